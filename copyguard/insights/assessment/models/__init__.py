"""Models of the regional assessment: indicator systems as versioned data, populations,
rounds, entered values with their documents, and the stored scores with their steps."""

from copyguard.insights.assessment.models.rounds import (
    AssessmentRound,
    CityScore,
    IndicatorScore,
    Submission,
    SubmissionDocument,
)
from copyguard.insights.assessment.models.systems import (
    Aspect,
    Indicator,
    IndicatorSystem,
    RegionPopulation,
    Task,
)

__all__ = [
    "Aspect",
    "AssessmentRound",
    "CityScore",
    "Indicator",
    "IndicatorScore",
    "IndicatorSystem",
    "RegionPopulation",
    "Submission",
    "SubmissionDocument",
    "Task",
]
