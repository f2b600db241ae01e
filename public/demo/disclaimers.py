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

# The same notices for Spanish pages (usted, as Spanish-language health sites address readers).
PROFESSIONAL_ES = (
    "Aviso médico para profesionales",
    "Este artículo está escrito para profesionales de la salud. Sirve de apoyo al juicio clínico "
    "y no lo sustituye. Antes de aplicar una recomendación a un paciente, contrástela con la "
    "bibliografía original y con la práctica clínica vigente, y tome este resumen como un "
    "complemento de las guías establecidas que cita. Vetted no asume ninguna responsabilidad por "
    "las decisiones clínicas que se tomen a partir de este contenido.",
)

LAY_ES = (
    "Lea esto, por favor: no es un consejo médico para usted",
    "Este artículo explica lo que dicen las guías en general. No puede decirle qué es lo adecuado "
    "en su caso: hable con su equipo médico antes de empezar, dejar o cambiar cualquier "
    "tratamiento. Si cree que tiene una urgencia médica, llame ahora mismo al número de "
    "emergencias de su país.",
)
