"""Spot questions that sound like an emergency, so editors see them first and the reader is
told, prominently, to get help now. A pure function; it errs towards flagging."""

import re

# reason shown to editors -> phrases that suggest it. Matched case-insensitively on word edges.
_SIGNS: dict[str, tuple[str, ...]] = {
    "chest pain": (
        r"chest (?:pain|pains|pressure|tightness)",
        r"(?:pain|pressure|tightness) in (?:my|his|her|their|the) chest",
        r"heart attack",
    ),
    "trouble breathing": (
        r"(?:can'?t|cannot|can not|could ?n'?t|unable to|struggling to|struggles? to|hard to)"
        r" breathe?",
        r"(?:trouble|difficulty|difficulties|problems?) breathing",
        r"(?:not|stopped) breathing",
        r"(?:severe|sudden|worsening) shortness of breath",
        r"gasping for (?:air|breath)",
        r"choking",
    ),
    "thoughts of suicide or self-harm": (
        r"suicid\w*",
        r"kill(?:ing)? (?:myself|himself|herself|themselves)",
        r"want(?:s|ed)? to die",
        r"end (?:my|his|her) (?:own )?life",
        r"end it all",
        r"take (?:my|his|her) (?:own )?life",
        r"self[- ]harm\w*",
        r"hurt(?:ing)? (?:myself|himself|herself)",
        r"(?:no reason|nothing) to live",
        r"better off dead",
    ),
    "overdose": (
        r"overdos\w*",
        r"(?:took|taken|take|swallowed) too (?:much|many)",
        r"too many (?:pills|tablets|capsules)",
    ),
    "severe bleeding": (
        r"(?:severe|heavy|heavily|uncontrolled|profuse|lots of|a lot of) bleed\w*",
        r"bleeding (?:heavily|a lot|badly|that won'?t stop|won'?t stop|will not stop)",
        r"(?:coughing|vomiting|throwing) up blood",
        r"(?:coughing|vomiting) blood",
        r"blood in (?:my |his |her )?vomit",
        r"ha?emorrhag\w*",
    ),
    "emergency": (
        r"emergenc(?:y|ies)",
        r"urgent(?:ly)?",
        r"call(?:ed|ing)? (?:911|999|112|an ambulance)",
        r"ambulance",
        r"life[- ]threatening",
    ),
    "signs of a stroke": (
        r"stroke",
        r"(?:face|mouth|smile) (?:is )?droop\w*",
        r"drooping (?:face|mouth)",
        r"slurr(?:ed|ing) (?:speech|words)",
        r"sudden (?:numbness|weakness|confusion|severe headache|loss of vision)",
        r"(?:can'?t|cannot) (?:move|feel) (?:my|his|her|one) (?:arm|leg|side|face)",
    ),
    "unconscious or unresponsive": (
        r"unconscious",
        r"unresponsive",
        r"passed out",
        r"(?:fainted|fainting|collapsed)",
        r"(?:won'?t|will not|can'?t|cannot|not) wak(?:e|ing) (?:him |her |them )?up",
    ),
    "seizure": (r"seizures?", r"convuls\w*", r"having a fit"),
    "severe allergic reaction": (
        r"anaphyla\w*",
        r"throat (?:is )?(?:closing|swelling|swollen)",
        r"swollen (?:throat|tongue|lips)",
        r"(?:tongue|lips) (?:is |are )?swelling",
    ),
    "fever during cancer treatment": (
        r"neutropenic fever",
        r"febrile neutropenia",
        r"(?:fever|temperature) (?:after|during|on|while on|from) (?:chemo\w*|treatment|immuno\w*)",
        r"(?:fever|temperature) of (?:38|39|40|41|10[0-5])",
    ),
}

_PATTERNS = {
    reason: re.compile(r"\b(?:" + "|".join(phrases) + r")\b", re.IGNORECASE)
    for reason, phrases in _SIGNS.items()
}


def urgent_reasons(text: str) -> tuple[str, ...]:
    """The reasons `text` looks urgent, in a fixed order; empty when it does not."""
    # Curly apostrophes (U+2019) from phones and word processors, as in "can\u2019t breathe".
    text = text.replace("\u2019", "'")
    return tuple(reason for reason, pattern in _PATTERNS.items() if pattern.search(text))
