"""Grow a dataset from a few examples or a document: new questions, answers in the examples' style, a cost
estimate before and during, and near-duplicate notes, for the user to review before any row counts."""

from core.grow.cost import estimate_cost
from core.grow.documents import DocumentError, read_document, split_passages
from core.grow.model import (
    GeneratedRow,
    GrowCost,
    GrowError,
    GrowProgress,
    GrowRequest,
    check_request,
    cost_text,
    review_record,
    stage_text,
)
from core.grow.run import grow
from core.grow.similar import flag_duplicates, similarity

__all__ = ["DocumentError", "GeneratedRow", "GrowCost", "GrowError", "GrowProgress", "GrowRequest", "check_request",
           "cost_text", "estimate_cost", "flag_duplicates", "grow", "read_document", "review_record", "similarity",
           "split_passages", "stage_text"]
