"""The demo disclaimers, in Vetted's own words. Admins edit them afterwards (they are versioned)."""

PROFESSIONAL = (
    "Professional medical disclaimer",
    "This article is written for health professionals. It supports, and does not replace, "
    "clinical judgment. Check recommendations against the primary literature and current "
    "practice standards before applying them to a patient, and treat this summary as an "
    "addition to the established guidelines it cites. Vetted accepts no liability for "
    "clinical decisions made on the basis of this content.",
)

LAY = (
    "Please read: this is not medical advice for you",
    "This article explains what the guidelines say in general. It cannot tell you what is right "
    "for you: talk to your care team before you start, stop or change any treatment. If you "
    "think you are having a medical emergency, call your local emergency number now.",
)
