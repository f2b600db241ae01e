"""Urgency flags: what sounds like an emergency is flagged, everyday clinical questions are not."""

import pytest

from questions.urgency import urgent_reasons

URGENT = [
    ("My dad has CHEST PAIN since this morning", "chest pain"),
    ("pressure in my chest when I climb stairs", "chest pain"),
    ("She can't breathe properly after the infusion", "trouble breathing"),
    ("I can\u2019t breathe lying down", "trouble breathing"),
    ("trouble breathing since yesterday", "trouble breathing"),
    ("I have been having suicidal thoughts", "thoughts of suicide or self-harm"),
    ("sometimes I want to die", "thoughts of suicide or self-harm"),
    ("I might kill myself", "thoughts of suicide or self-harm"),
    ("I think I took too many pills", "overdose"),
    ("could this be an overdose?", "overdose"),
    ("severe bleeding from the port site", "severe bleeding"),
    ("he is coughing up blood", "severe bleeding"),
    ("Is this an emergency?", "emergency"),
    ("her face is drooping and speech is slurred speech", "signs of a stroke"),
    ("could it be a stroke", "signs of a stroke"),
    ("He passed out and is unresponsive", "unconscious or unresponsive"),
    ("she had a seizure last night", "seizure"),
    ("my throat is swelling after the first dose", "severe allergic reaction"),
    ("fever after chemo, 38.5", "fever during cancer treatment"),
]

NOT_URGENT = [
    "Is zongertinib given before or after chemotherapy?",
    "What does grade 3 diarrhea mean for the dose?",
    "How long does T-DXd treatment last, every 3 weeks?",
    "Why is PD-L1 50% relevant for HER2 exon 20?",
    "Where can I read the DESTINY-Lung02 results?",
    "Is pneumonitis common with trastuzumab deruxtecan?",
]


@pytest.mark.parametrize(("text", "reason"), URGENT)
def test_urgent_phrases_are_flagged_with_their_reason(text, reason):
    assert reason in urgent_reasons(text)


@pytest.mark.parametrize("text", NOT_URGENT)
def test_everyday_questions_are_not_flagged(text):
    assert urgent_reasons(text) == ()


def test_several_reasons_come_in_a_fixed_order():
    assert urgent_reasons("I can't breathe and have chest pain") == (
        "chest pain",
        "trouble breathing",
    )
