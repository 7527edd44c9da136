"""The area drill-down (province → regency → district → village) that pages put in their forms.

Works without JavaScript (the form is submitted and the next list appears); with HTMX the picker reloads
itself from ``/area-picker`` as soon as a level is chosen.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import Response

from inklusi.context import Context
from inklusi.i18n import Text, msg
from inklusi.web.pages import render
from inklusi.wilayah import service as wilayah
from inklusi.wilayah.model import Area

LEVELS = (
    ("province", msg("Province")),
    ("regency", msg("Regency/city")),
    ("district", msg("District")),
    ("village", msg("Village")),
)
router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class PickerLevel:
    name: str
    label: Text
    options: list[Area]
    selected: str


@dataclass(frozen=True)
class AreaPicker:
    levels: list[PickerLevel]

    @property
    def deepest(self) -> str | None:
        chosen = [level.selected for level in self.levels if level.selected]
        return chosen[-1] if chosen else None

    @classmethod
    def load(cls, ctx: Context, *selected: str) -> AreaPicker:
        """Options for each level below the last valid choice; choices that do not nest are dropped."""
        levels, parent = [], None
        for (name, label), choice in zip(LEVELS, selected, strict=True):
            options = wilayah.children(ctx, parent)
            valid = choice if choice in {area.code for area in options} else ""
            levels.append(PickerLevel(name, label, options, valid))
            if not valid:
                break
            parent = valid
        return cls(levels)


@router.get("/area-picker")
def area_picker(
    request: Request, province: str = "", regency: str = "", district: str = "", village: str = ""
) -> Response:
    picker = AreaPicker.load(request.app.state.ctx, province, regency, district, village)
    return render(request, "_area_picker.html", picker=picker)
