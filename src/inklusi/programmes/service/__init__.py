"""Use cases of the programmes slice: evaluating programmes on a synthetic population (more below)."""

from inklusi.programmes.service.evaluating import FolderEvaluation, evaluate_folder

__all__ = ["FolderEvaluation", "evaluate_folder"]
