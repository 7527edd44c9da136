"""Every action the system can write into the audit log, in one catalogue. Pure.

An :class:`Event` is built from an :class:`EventKind` of this catalogue and keyword arguments only; it
refuses a kind that is not in the catalogue, a purpose the kind does not allow and a detail field the
kind does not name. An auditor therefore finds here (and in ``docs/audit-events.md``, generated from
this module: ``python -m inklusi.audit.events --markdown``) everything the log can hold.

To log a new action, add its kind below (the action names ``<object>.<verb>``), describe it with
``msg()`` (and translate it), then regenerate the document; ``tests/audit/unit/test_events.py`` fails until
the document matches.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field

from inklusi.audit.model import Actor, Purpose
from inklusi.i18n import Text, msg


@dataclass(frozen=True)
class EventKind:
    """One action of the log: what it means, what it is about, why it is logged and what it records."""

    action: str
    object_type: str | None  # None: the event names it (what was refused)
    description: Text
    purposes: tuple[Purpose, ...]  # empty: the purpose the caller declares
    detail: Mapping[str, str]  # field → what it holds


CATALOGUE: dict[str, EventKind] = {}


def _kind(
    action: str,
    object_type: str | None,
    description: Text,
    /,
    *purposes: Purpose,
    **detail: str,
) -> EventKind:
    if action in CATALOGUE:
        raise ValueError(f"{action} is catalogued twice")
    kind = EventKind(action, object_type, description, purposes, detail)
    CATALOGUE[action] = kind
    return kind


@dataclass(frozen=True, kw_only=True)
class Event:
    """What one entry of the log records: an action of the catalogue, by whom, on what, why."""

    kind: EventKind
    actor: Actor
    purpose: Purpose
    object_id: str | None = None
    area_code: str | None = None
    detail: Mapping[str, object] = field(default_factory=dict)
    object_type: str = ""  # only for a kind whose object type varies (``access.denied``)

    def __post_init__(self) -> None:
        kind = self.kind
        if CATALOGUE.get(kind.action) is not kind:
            raise ValueError(f"{kind.action} is not an action of the audit catalogue")
        if kind.object_type is None:
            if not self.object_type:
                raise ValueError(f"{kind.action} needs the object type")
        elif self.object_type not in ("", kind.object_type):
            raise ValueError(f"{kind.action} is about {kind.object_type}, not {self.object_type}")
        else:
            object.__setattr__(self, "object_type", kind.object_type)
        if kind.purposes and self.purpose not in kind.purposes:
            raise ValueError(f"{kind.action} is not logged for {self.purpose.value}")
        if unknown := sorted(set(self.detail) - set(kind.detail)):
            raise ValueError(f"{kind.action} has no detail {', '.join(map(str, unknown))}")

    @property
    def action(self) -> str:
        return self.kind.action


SOURCE = "where the data came from (a file, a form round, a person's name)"

# --- Access: accounts, logins, refusals --------------------------------------------------------------

ORGANISATION_CREATE = _kind(
    "organisation.create", "organisation", msg("An organisation was created"), Purpose.administration,
    name="the organisation's name",
)  # fmt: skip
USER_CREATE = _kind(
    "user.create", "user", msg("A user account was created"), Purpose.administration,
    username="the account's username", grants="its roles, as role@area",
)  # fmt: skip
USER_GRANT = _kind(
    "user.grant", "user", msg("A role was granted to a user"), Purpose.administration,
    role="the role", area="the area it holds in (none: nationwide)",
)  # fmt: skip
USER_REVOKE = _kind(
    "user.revoke", "user", msg("A role was taken from a user"), Purpose.administration,
    role="the role", area="the area it held in (none: nationwide)",
)  # fmt: skip
USER_PASSWORD = _kind(
    "user.password", "user", msg("A user's password was changed"),
    Purpose.administration, Purpose.authentication,
    sessions_ended="how many tokens and sessions ended with the old password",
    own="true when the user changed their own password",
)  # fmt: skip
USER_ACTIVATE = _kind(
    "user.activate", "user", msg("A user account was activated"), Purpose.administration,
    sessions_ended="always 0",
)  # fmt: skip
USER_DEACTIVATE = _kind(
    "user.deactivate", "user", msg("A user account was deactivated"), Purpose.administration,
    sessions_ended="how many tokens and sessions ended",
)  # fmt: skip
LOGIN = _kind("login", "user", msg("A user logged in"), Purpose.authentication)
LOGIN_FAILED = _kind(
    "login.failed", "user", msg("A login failed"), Purpose.authentication,
    username="the username typed (capped)", address="the client's address",
)  # fmt: skip
LOGIN_LOCKED = _kind(
    "login.locked", "login", msg("Logins were locked after too many failures"), Purpose.authentication,
    username="the username typed", address="the client's address", until="when the lock ends",
)  # fmt: skip
ACCESS_DENIED = _kind(
    "access.denied", None, msg("A request was refused or asked for a record outside the user's scope"),
    method="the HTTP method", path="the path asked for", params="the path's parameters",
    status="the answer's status (403 or 404)", reason="the refusal's code",
)  # fmt: skip

# --- Audit: reading the log itself -------------------------------------------------------------------

_QUERY = {
    "actor": "the actor searched for", "organisation_id": "the organisation searched for",
    "action": "the action (or family) searched for", "object_id": "the record searched for",
    "purpose": "the purpose searched for", "since": "from (inclusive)", "until": "to (exclusive)",
}  # fmt: skip
AUDIT_READ = _kind(
    "audit.read", "audit_log", msg("The audit log was read"), Purpose.audit_review,
    object_type="the object type asked for", object_id="the record asked for",
    entries="how many entries were shown", containing="the text (or number's hash) searched for",
)  # fmt: skip
AUDIT_SEARCH = _kind(
    "audit.search", "audit_log", msg("The audit log was searched"), Purpose.audit_review,
    **_QUERY, before="page cursor", after="page cursor", entries="how many entries were shown",
)  # fmt: skip
AUDIT_EXPORT = _kind(
    "audit.export", "audit_log", msg("Entries of the audit log were exported"), Purpose.audit_review,
    **_QUERY, entries="how many entries were exported",
)  # fmt: skip
AUDIT_VERIFY = _kind(
    "audit.verify", "audit_log", msg("The audit log's hash chain was checked"), Purpose.audit_review,
    intact="whether the chain holds", entries="how many entries were checked",
    head_seq="the last entry's number", first_problem="the first broken entry's number",
)  # fmt: skip

# --- Registry: households and persons ------------------------------------------------------------------

HOUSEHOLD_READ = _kind(
    "household.read", "household", msg("A household's record was read"),
    as_of="the past moment read, if not now", history="whether its history was read with it (its page)",
)  # fmt: skip
HOUSEHOLD_HISTORY = _kind("household.history", "household", msg("A household's history was read"))
PERSON_READ = _kind("person.read", "person", msg("A person's record was read"))
PERSON_LIST = _kind(
    "person.list", "person", msg("The names of a page of persons were read"),
    persons="the persons read (ids)", asked="how many persons were asked for",
)  # fmt: skip
PERSON_EXPORT = _kind(
    "person.export", "person", msg("Persons' records were exported for record linkage"),
    persons="how many persons", selected="how many were asked for (none: all in scope)",
)  # fmt: skip
REGISTRY_SEARCH = _kind(
    "registry.search", "person", msg("Persons were searched by name or number"),
    query="the search (NIK and KK numbers as keyed hashes)", kind="name or number",
    within="the area searched", found="how many persons were found",
)  # fmt: skip
REGISTRY_BROWSE = _kind(
    "registry.browse", "area", msg("The households of an area were listed"),
    after="page cursor", found="how many heads of household were listed",
)  # fmt: skip
REGISTRY_SNAPSHOT = _kind(
    "registry.snapshot", "registry", msg("A snapshot of the whole registry was written"),
    to="the directory written to",
)  # fmt: skip
HOUSEHOLD_CREATE = _kind(
    "household.create", "household", msg("A household was registered"), Purpose.registry_update,
    source=SOURCE, persons="how many persons it holds",
)  # fmt: skip
HOUSEHOLD_LOAD = _kind(
    "household.load", "batch", msg("A batch of households was loaded"), Purpose.registry_update,
    source=SOURCE, households="how many households", persons="how many persons",
)  # fmt: skip
HOUSEHOLD_UPDATE = _kind(
    "household.update", "household", msg("A household's record was changed"), Purpose.registry_update,
    fields="the fields changed", assets_changed="whether its assets changed", source=SOURCE,
)  # fmt: skip
PERSON_UPDATE = _kind(
    "person.update", "person", msg("A person's record was changed"), Purpose.registry_update,
    fields="the fields changed", source=SOURCE,
)  # fmt: skip
PERSON_MOVE = _kind(
    "person.move", "person", msg("A person moved to another family"), Purpose.registry_update,
    family_id="the family moved to", relationship="the relationship to its head (code)", source=SOURCE,
    from_outside="the area they were registered in outside any household, if they were",
)  # fmt: skip
PERSON_OUTSIDE_REGISTER = _kind(
    "person.register_outside", "batch", msg("Persons outside any household were registered"),
    Purpose.registry_update,
    source=SOURCE, persons="how many persons",
    areas="the areas (village or district codes) they were registered in",
)  # fmt: skip

# --- Registry: change requests (four eyes) -------------------------------------------------------------

CHANGE_REQUEST_LIST = _kind(
    "change_request.list", "change_request", msg("Change requests were listed"), Purpose.data_stewardship,
    status="the status listed", mine="only the reader's own", count="how many were listed",
)  # fmt: skip
CHANGE_REQUEST_SUBMIT = _kind(
    "change_request.submit", "change_request", msg("A change request was submitted"),
    Purpose.data_stewardship, fields="the fields it changes",
)  # fmt: skip
CHANGE_REQUEST_READ = _kind(
    "change_request.read", "change_request", msg("A change request was read"), Purpose.data_stewardship
)  # fmt: skip
CHANGE_REQUEST_APPLIED = _kind(
    "change_request.applied", "change_request", msg("A change request was approved and applied"),
    Purpose.data_stewardship,
)  # fmt: skip
CHANGE_REQUEST_REJECTED = _kind(
    "change_request.rejected", "change_request", msg("A change request was rejected"),
    Purpose.data_stewardship,
)  # fmt: skip

# --- Instrument: survey rounds -------------------------------------------------------------------------

IMPORT_BATCH = _kind(
    "import.batch", "import_batch", msg("A batch of survey forms was imported"), Purpose.data_stewardship,
    file="the file's name", forms="how many forms it held", accepted="how many were accepted",
    held="how many were held in quarantine", source=SOURCE, areas="the villages it changed",
    households="the households it changed (the first ones)", households_changed="how many households",
    held_out_of_scope="how many forms were held as outside the importer's scope",
)  # fmt: skip
IMPORT_QUARANTINE_READ = _kind(
    "import.quarantine.read", "import_batch", msg("The held forms of an import were read"),
    Purpose.data_stewardship, forms="how many forms were shown", all="whether every form was shown",
)  # fmt: skip

# --- Welfare: ranking ------------------------------------------------------------------------------------

WELFARE_TRAIN = _kind(
    "welfare.train", "welfare_model", msg("A welfare model was trained"), Purpose.programme_targeting,
    version="the model's version", kind="the kind of model", fingerprint="the training data's fingerprint",
)  # fmt: skip
WELFARE_RANK = _kind(
    "welfare.rank", "welfare_run", msg("Households were ranked by welfare"), Purpose.programme_targeting,
    model="the model's version", households="how many households", backend="the engine used",
)  # fmt: skip
WELFARE_RANK_READ = _kind(
    "welfare.rank.read", "household", msg("A household's welfare rank was read"),
    run="the ranking run",
    explained="whether it was explained (the household's answers as the ranking read them)",
)  # fmt: skip
WELFARE_RANK_HISTORY = _kind(
    "welfare.rank.history", "household", msg("A household's welfare ranks over time were read")
)  # fmt: skip
WELFARE_DECILES_EXPORT = _kind(
    "welfare.deciles.export", "area", msg("The ranked households of an area were exported"),
    Purpose.programme_targeting,
    run="the ranking run", format="csv or xlsx", households="how many households the file lists",
)  # fmt: skip

# --- Linkage: duplicates and entities --------------------------------------------------------------------

LINKAGE_RUN = _kind(
    "linkage.run", "linkage_run", msg("Record linkage was run"), Purpose.data_stewardship,
    mode="full or incremental", records="how many records", pairs_scored="how many pairs were scored",
    links="how many were linked", review_pairs="how many pairs wait for review",
    person_entities="how many person entities", household_entities="how many household entities",
)  # fmt: skip
LINKAGE_QUEUE_READ = _kind(
    "linkage.queue.read", "linkage_pair", msg("The queue of pairs to review was read"),
    Purpose.data_stewardship, pairs="the pairs shown", offset="page offset",
)  # fmt: skip
LINKAGE_PAIR_READ = _kind(
    "linkage.pair.read", "linkage_pair", msg("A pair of possible duplicates was read"),
    Purpose.data_stewardship,
)  # fmt: skip
_DECISION = {"decision": "match or non_match", "entity_a": "entity of the first record",
             "entity_b": "entity of the second record"}  # fmt: skip
LINKAGE_MATCH = _kind(
    "linkage.match", "linkage_pair", msg("Two records were decided to be the same"),
    Purpose.data_stewardship, **_DECISION,
)  # fmt: skip
LINKAGE_NON_MATCH = _kind(
    "linkage.non_match", "linkage_pair", msg("Two records were decided not to be the same"),
    Purpose.data_stewardship, **_DECISION,
)  # fmt: skip
LINKAGE_ENTITY_READ = _kind(
    "linkage.entity.read", "linkage_entity", msg("A linked entity's records were read"),
    Purpose.data_stewardship,
)  # fmt: skip
LINKAGE_MERGE = _kind(
    "linkage.merge", "linkage_entity", msg("Two linked entities were merged"), Purpose.data_stewardship,
    retired="the entity merged into this one", moved="how many records moved",
)  # fmt: skip
LINKAGE_UNMERGE = _kind(
    "linkage.unmerge", "linkage_entity", msg("Records were split off a linked entity"),
    Purpose.data_stewardship, created="the new entity", moved="how many records moved",
)  # fmt: skip

# --- PPKS: vulnerable groups (a sensitive category is never named in a detail: see docs/ppks.md) ----------

PPKS_IDENTIFY = _kind(
    "ppks.identify", "ppks_run", msg("The PPKS rules were run over the registry"),
    Purpose.programme_targeting,
    rules="the rule set and version", registry_at="the registry's snapshot moment",
    welfare_run="the welfare run whose deciles were read (none: rules needing deciles skipped)",
    candidates="persons × categories found", new="flags created", changed="flags given new evidence",
    retired="candidates retired (evidence gone)",
)  # fmt: skip
PPKS_CANDIDATES_READ = _kind(
    "ppks.candidates.read", "area", msg("The PPKS flags of an area were listed"),
    category="the category asked for (sensitive: only the word sensitive)", status="the status asked for",
    offset="page offset", shown="how many flags were shown", flags="the flags shown",
)  # fmt: skip
_DECIDED = {"category": "the category (sensitive: only the word sensitive)",
            "previous": "the status before"}  # fmt: skip
PPKS_FLAG_VERIFY = _kind(
    "ppks.flag.verify", "ppks_flag", msg("A PPKS flag was verified"), Purpose.case_management, **_DECIDED
)  # fmt: skip
PPKS_FLAG_REJECT = _kind(
    "ppks.flag.reject", "ppks_flag", msg("A PPKS flag was rejected"), Purpose.case_management, **_DECIDED
)  # fmt: skip
PPKS_SUMMARY_EXPORT = _kind(
    "ppks.summary.export", "area", msg("The PPKS aggregates of an area were exported"),
    format="csv or xlsx", measure="the measure exported",
    category="the category chosen (all; sensitive: only the word sensitive)",
    run="the identification run whose publication was read", figures="how many figures the file holds",
    suppressed="of them, how many suppressed (written as the marker)",
)  # fmt: skip
PPKS_FLAGS_EXPORT = _kind(
    "ppks.flags.export", "ppks_flag", msg("The current PPKS flags were exported for programme targeting"),
    Purpose.programme_targeting,
    flags="how many flags (candidate or verified, of people in households)",
)  # fmt: skip

# --- Cases: case management (a sensitive category is never named in a detail: see docs/cases.md) ----------

_CASE = Purpose.case_management
CASE_OPEN = _kind(
    "case.open", "case", msg("A case was opened"), _CASE,
    person="the person's id", intake="whether the person was registered at intake",
    categories="its categories (sensitive ones: only the word sensitive)", organisation="the owner",
)  # fmt: skip
CASE_READ = _kind(
    "case.read", "case", msg("A case was read"),
    view="what the reader was shown: full, referral or summary", relations="the reader's relations to it",
    sensitive="whether sensitive categories and notes were shown", part="the part read, if not the page",
)  # fmt: skip
CASE_LIST = _kind(
    "case.list", "case", msg("A list of cases was read"),
    list="which list (inbox, cases, person)", cases="the cases shown (ids)",
)  # fmt: skip
CASE_TRANSITION = _kind(
    "case.transition", "case", msg("A case moved to another phase"), _CASE,
    transition="the transition", from_phase="the phase left", to_phase="the phase reached",
    reason="the reason given", version="the case's version after it",
)  # fmt: skip
CASE_RECORD = _kind(
    "case.record", "case", msg("Something was recorded in a case"), _CASE,
    record="assessment, plan, service, outcome, note or follow_up", id="the record's id",
    service_type="the service type (services)", referral="the referral it was recorded under",
    categories="an assessment's categories (sensitive ones: only the word sensitive)",
)  # fmt: skip
CASE_ASSIGN = _kind(
    "case.assign", "case", msg("A case was assigned to a worker"), _CASE,
    assigned="the worker now (none: nobody)", previous="the worker before",
)  # fmt: skip
CASE_REFERRAL = _kind(
    "case.referral", "case", msg("A referral of a case was made or answered"), _CASE,
    referral="the referral", step="refer, accept, reject, complete or revoke",
    to_organisation="the receiving organisation", service_type="the service asked for",
    consent="the consent it rests on", override_reason="why it was made without consent",
    reason="the reason given",
)  # fmt: skip
CASE_TRANSFER = _kind(
    "case.transfer", "case", msg("A transfer of a case was proposed or answered"), _CASE,
    transfer="the transfer", step="propose, accept, refuse or cancel",
    to_organisation="the receiving organisation", consent="the consent it rests on",
    override_reason="why it was proposed without consent", reason="the reason given",
)  # fmt: skip
CASE_CONSENT = _kind(
    "case.consent", "case", msg("A consent was recorded or withdrawn"), _CASE,
    consent="the consent", step="record or withdraw", purpose="its purpose",
    given_by="self or guardian",
)  # fmt: skip
CASE_GLASS = _kind(
    "case.glass", "case", msg("A case was opened by breaking the glass"), _CASE,
    reason="the reason given", hours="for how many hours", expires_at="when the access ends",
)  # fmt: skip
CASE_ACCESS_LOG = _kind(
    "case.access_log", "case", msg("Who viewed a case was read"), _CASE,
    entries="how many entries were shown",
)  # fmt: skip
CASE_DASHBOARD = _kind(
    "case.dashboard", "area", msg("The case figures of an organisation or area were read"), _CASE,
    organisation="the organisation (organisation figures)", protected="whether the figures were protected",
)  # fmt: skip


# --- Directory: the service directory (HSDS) -----------------------------------------------------------

DIRECTORY_IMPORT = _kind(
    "directory.import", "directory", msg("Services were imported into the service directory"),
    Purpose.administration,
    source="the file's name (none: a document sent to the API)", received="how many records it held",
    created="services created", updated="services changed", unchanged="services already so",
    rejected="records refused (each reported with its problems)",
)  # fmt: skip
DIRECTORY_LINK = _kind(
    "directory.link", "directory_organisation",
    msg("A directory organisation was linked to the Inklusi organisation that answers its referrals"),
    Purpose.administration,
    organisation_id="the Inklusi organisation (none: the link was removed)",
)  # fmt: skip

# --- Programmes: simulations, beneficiary lists, FKP meetings, grievances (docs/programmes.md) -----------

_TARGETING = Purpose.programme_targeting
PROGRAMME_SAVE = _kind(
    "programme.save", "programme", msg("A programme's specification was stored"), _TARGETING,
    name="the programme's name", version="the version stored",
)  # fmt: skip
PROGRAMME_SIMULATE = _kind(
    "programme.simulate", "programme_simulation", msg("Programmes were simulated over the registry"),
    _TARGETING,
    programmes="the programmes (name-version) and their budgets", welfare_run="the welfare run read",
    registry_at="the registry's snapshot moment", scenarios="the scenarios saved (ids), if any",
    beneficiaries="beneficiary households per programme",
)  # fmt: skip
PROGRAMME_FREEZE = _kind(
    "programme.freeze", "beneficiary_list", msg("A beneficiary list was frozen"), _TARGETING,
    scenario="the scenario it was made from", programme="the programme (name-version)",
    cycle="the cycle it is for", households="how many households", cost="its yearly cost",
    welfare_run="the welfare run read", registry_at="the registry's snapshot moment",
)  # fmt: skip
PROGRAMME_LIST_READ = _kind(
    "programme.list_read", "beneficiary_list", msg("The named households of a beneficiary list were read"),
    village="the village read", households="the households shown (ids)",
)  # fmt: skip
PROGRAMME_LIST_EXPORT = _kind(
    "programme.list_export", "beneficiary_list", msg("A beneficiary list was exported"), _TARGETING,
    format="csv, xlsx or parquet", area="the area asked for (none: every area in the reader's scope)",
    rows="how many households the file holds",
)  # fmt: skip
FKP_MEETING = _kind(
    "fkp.meeting", "fkp_meeting", msg("A village deliberation (FKP) meeting over a list was recorded"),
    _TARGETING,
    list="the beneficiary list", village="the village", attendees="how many attended",
    decisions="how many decisions per kind (confirm, remove, add)",
    change_requests="the change requests it submitted (ids)", grievances="the grievances it opened (ids)",
)  # fmt: skip
GRIEVANCE_SUBMIT = _kind(
    "grievance.submit", "grievance", msg("A grievance was submitted"), _TARGETING,
    household="the household it is about", kind="ranking, exclusion or inclusion",
    list="the beneficiary list it names, if any", meeting="the FKP meeting it came from, if any",
)  # fmt: skip
GRIEVANCE_READ = _kind(
    "grievance.read", "grievance", msg("A grievance was read"), _TARGETING,
    household="the household it is about", queue="true when a queue of grievances was listed",
    grievances="the grievances listed (ids), for a queue",
)  # fmt: skip
GRIEVANCE_DECIDE = _kind(
    "grievance.decide", "grievance", msg("A grievance was decided"), _TARGETING,
    household="the household it is about", decision="upheld or dismissed",
    reassessment="whether the household must be re-assessed",
)  # fmt: skip

# --- Data sharing: agreements, partner clients, the partner API and DCI (docs/sharing.md) ---------------

_ADMIN = Purpose.administration
_AGREEMENT = {"name": "the agreement's name", "organisation": "the partner organisation (id)"}
SHARING_AGREEMENT_DRAFT = _kind(
    "sharing.agreement_draft", "sharing_agreement", msg("A data-sharing agreement was drafted"), _ADMIN,
    **_AGREEMENT, operations="operations and their daily quotas", fields="fields and their transforms",
    areas="the row scope's areas", valid="its validity (from, to)",
)  # fmt: skip
SHARING_AGREEMENT_APPROVE = _kind(
    "sharing.agreement_approve", "sharing_agreement", msg("A data-sharing agreement was approved"), _ADMIN,
    **_AGREEMENT, drafted_by="who drafted it (four eyes: never the approver)",
)  # fmt: skip
SHARING_AGREEMENT_REVOKE = _kind(
    "sharing.agreement_revoke", "sharing_agreement", msg("A data-sharing agreement was revoked"), _ADMIN,
    **_AGREEMENT, reason="why", clients="its clients (ids), whose tokens stop working",
)  # fmt: skip
_CLIENT = {"client_id": "the client's public id", "agreement": "the agreement it is bound to"}
SHARING_CLIENT_ISSUE = _kind(
    "sharing.client_issue", "sharing_client", msg("Partner credentials were issued"), _ADMIN,
    **_CLIENT, name="the client's name",
)  # fmt: skip
SHARING_CLIENT_ROTATE = _kind(
    "sharing.client_rotate", "sharing_client", msg("A partner client's secret was rotated"), _ADMIN,
    **_CLIENT, tokens_ended="how many access tokens ended with the old secret",
)  # fmt: skip
SHARING_CLIENT_REVOKE = _kind(
    "sharing.client_revoke", "sharing_client", msg("Partner credentials were revoked"), _ADMIN,
    **_CLIENT, reason="why", tokens_ended="how many access tokens ended",
)  # fmt: skip
SHARING_CLIENT_KEYS = _kind(
    "sharing.client_keys", "sharing_client", msg("A partner client's keys or callback were set"), _ADMIN,
    **_CLIENT, keys="how many public keys its JWKS holds", callback_url="its callback URL",
)  # fmt: skip
SHARING_TOKEN = _kind(
    "sharing.token", "sharing_client", msg("A partner client obtained an access token"),
    Purpose.authentication, **_CLIENT, expires_at="when the token ends",
)  # fmt: skip
SHARING_PARTNER_READ = _kind(
    "sharing.partner_read", "sharing_agreement", msg("A partner read personal data under its agreement"),
    Purpose.data_sharing,
    operation="lookup, search or extract", purpose="the purpose the partner named",
    agreement="the agreement (id)", client_id="the partner client", households="the households read (ids)",
    persons="the persons read (ids)", asked="what was asked (the key's kind, area, deciles, categories)",
    withheld="how many persons were left out (restricted)",
)  # fmt: skip
SHARING_PARTNER_MATCH = _kind(
    "sharing.partner_match", "sharing_agreement", msg("A partner asked a match-only question"),
    Purpose.data_sharing,
    purpose="the purpose the partner named", agreement="the agreement (id)", client_id="the partner client",
    nik="the NIK asked about (stored as a keyed hash)", area="the area asked about",
    deciles="the deciles asked about", answer="yes or no", persons="the person matched (ids)",
    households="the household matched (ids)",
)  # fmt: skip


# --- Data sharing: released tables and the privacy-budget ledger ------------------------------------------

_RELEASE = Purpose.statistics_release
SHARING_RELEASE = _kind(
    "sharing.release", "sharing_release",
    msg("A statistical table was released with noise and suppression, spending privacy budget"), _RELEASE,
    dataset="the dataset released", level="province or regency", agreement="the agreement (none: public)",
    epsilon="the epsilon spent", spent="the ledger's total spent after it", budget="the ledger's budget",
    source="the data read (welfare or PPKS run)", cells="entries in the table (totals included)",
    suppressed="entries suppressed",
)  # fmt: skip
SHARING_RELEASE_REFUSED = _kind(
    "sharing.release_refused", "sharing_release",
    msg("A statistical release was refused: it would exceed the privacy budget"), _RELEASE,
    dataset="the dataset asked for", agreement="the agreement (none: public)", budget="the ledger's budget",
    spent="what the ledger had spent", asked="the epsilon asked",
)  # fmt: skip
SHARING_RELEASE_READ = _kind(
    "sharing.release_read", "sharing_release",
    msg("A partner read a table released for its agreement"), Purpose.data_sharing,
    purpose="the purpose the partner named", agreement="the agreement (id)", client_id="the partner client",
    dataset="the dataset of the table", level="province or regency",
)  # fmt: skip


# --- Data sharing: data-subject requests and breach reports -------------------------------------------------

_SUBJECT = (Purpose.subject_rights,)
SUBJECT_REQUEST_SUBMIT = _kind(
    "subject_request.submit", "subject_request", msg("A data-subject request was received"), *_SUBJECT,
    kind="access, correction, objection, restriction or deletion", person="the person's id",
    household="the person's household", channel="how it came in", change_request="the change request made",
    grievance="the grievance opened", restricted="whether the person is restricted now",
    kept="deletion: what is kept (each refused with its reason)", erased="deletion: what went",
)  # fmt: skip
SUBJECT_REQUEST_READ = _kind(
    "subject_request.read", "subject_request", msg("Data-subject requests were read"), *_SUBJECT,
    person="the person's id", queue="true when the queue was listed", requests="the requests listed (ids)",
)  # fmt: skip
SUBJECT_ACCESS_REPORT = _kind(
    "subject_request.report", "subject_request",
    msg("What is held on a person, and who read it, was reported to them"), *_SUBJECT,
    persons="the person read (id)", households="the household read (id)",
    entries="how many audit entries about them were listed",
    sensitive="whether sensitive categories were shown", format="page, json or html",
)  # fmt: skip
SUBJECT_REQUEST_CLOSE = _kind(
    "subject_request.close", "subject_request", msg("A data-subject request was answered"), *_SUBJECT,
    person="the person's id", status="answered or refused", late="whether it was answered after its deadline",
)  # fmt: skip
SUBJECT_LOG_SEARCH = _kind(
    "subject_request.log_search", "person", msg("The audit log about a person was searched"), *_SUBJECT,
    entries="how many entries were shown", households="the household searched with the person",
)  # fmt: skip
BREACH_REPORT = _kind(
    "breach.report", "audit_log",
    msg("The persons whose data a credential or user read were listed from the audit log"),
    Purpose.breach_response,
    actor="the credential (partner:<client id>) or user searched for", since="from (inclusive)",
    until="to (exclusive)", entries="how many entries it read", persons="how many persons",
    households="how many households", format="page, json or csv",
)  # fmt: skip


# --- Encryption at rest: data keys --------------------------------------------------------------------------

KEYS_ROTATE = _kind(
    "keys.rotate", "data_key", msg("A data key was rotated and the values under it sealed again"),
    Purpose.administration,
    key="the key's purpose (nik, kk, sensitive or index)", from_versions="the versions retired",
    to_version="the new version", rows="how many values were sealed (or indexed) again",
)  # fmt: skip
KEYS_REWRAP = _kind(
    "keys.rewrap", "data_key", msg("The data keys were wrapped under a new master key"),
    Purpose.administration,
    keys="how many key versions were wrapped again", master_key="where the new master key is kept",
)  # fmt: skip


def describe(action: str) -> Text | None:
    """What an action of the log means, for the auditor's pages (None: not in the catalogue)."""
    kind = CATALOGUE.get(action)
    return kind.description if kind else None


def markdown() -> str:
    """``docs/audit-events.md``: every action of the catalogue, for auditors."""
    lines = [
        "# Audit events",
        "",
        "Every action Inklusi can write into its audit log. Generated from `src/inklusi/audit/events.py`",
        "by `python -m inklusi.audit.events --markdown > docs/audit-events.md`; a test fails when this file",
        "and the catalogue differ. Every entry also records who acted (user, organisation), when, the",
        "object's id and area (where there is one) and the purpose. NIK and KK numbers in details are stored",
        "as keyed hashes.",
        "",
        f"{len(CATALOGUE)} actions.",
        "",
        "| Action | Meaning | Arti | Object type | Purpose | Detail fields |",
        "|---|---|---|---|---|---|",
    ]
    for kind in CATALOGUE.values():
        purposes = ", ".join(f"`{p.value}`" for p in kind.purposes) or "as the caller declares"
        detail = "<br>".join(f"`{name}`: {text}" for name, text in kind.detail.items()) or "—"
        object_type = (
            f"`{kind.object_type}`"
            if kind.object_type
            else "the object asked for (`household`, `person`, `batch`…; `request` when none)"
        )
        meaning = " | ".join(kind.description.render(language) for language in ("en", "id"))
        lines.append(f"| `{kind.action}` | {meaning} | {object_type} | {purposes} | {detail} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    if sys.argv[1:] != ["--markdown"]:
        sys.exit("usage: python -m inklusi.audit.events --markdown")
    sys.stdout.write(markdown())
