"""The scrubber on a corpus of realistic reader questions: identifiers go, clinical numbers stay."""

import pytest

from questions.scrubbing import scrub

# (text, the identifier that must disappear, the kind reported)
IDENTIFIERS = [
    ("Please email me at jane.doe@example.com with an answer", "jane.doe@example.com", "email"),
    ("my address is j_doe+onc@mail.co.uk thanks", "j_doe+onc@mail.co.uk", "email"),
    ("write to mary (at) gmail (dot) com", "mary (at) gmail (dot) com", "email"),
    ("Call me on (555) 123-4567 after 5pm", "(555) 123-4567", "phone"),
    ("my number is 555-123-4567.", "555-123-4567", "phone"),
    ("reach me at 555.123.4567 please", "555.123.4567", "phone"),
    ("US cell +1 555 123 4567", "+1 555 123 4567", "phone"),
    ("ring +44 20 7946 0958 any time", "+44 20 7946 0958", "phone"),
    ("or 0044 20 7946 0958 from abroad", "0044 20 7946 0958", "phone"),
    ("mobile 07700 900123", "07700 900123", "phone"),
    ("French line +33 1 23 45 67 89", "+33 1 23 45 67 89", "phone"),
    ("Berlin office +49 (0)30 901820", "+49 (0)30 901820", "phone"),
    ("toll free 1-800-555-0199", "1-800-555-0199", "phone"),
    ("India +91 98765 43210", "+91 98765 43210", "phone"),
    ("whatsapp +4915112345678", "+4915112345678", "phone"),
    ("My father was born 03/04/1961 and has NSCLC", "03/04/1961", "date"),
    ("diagnosed on 1961-04-03 at the clinic", "1961-04-03", "date"),
    ("she was born April 3, 1961 in Ohio", "April 3, 1961", "date"),
    ("he was born 3 April 1961", "3 April 1961", "date"),
    ("scan on the 3rd of April 2024 showed growth", "3rd of April 2024", "date"),
    ("appointment Apr. 3 2024", "Apr. 3 2024", "date"),
    ("DOB: 04.03.1961, HER2 exon 20", "04.03.1961", "date"),
    ("date of birth 1961", "1961", "date"),
    ("first dose 3/4/24, second next week", "3/4/24", "date"),
    ("MRN 1234567 at St Mary's", "1234567", "record number"),
    ("MRN: A1234567", "A1234567", "record number"),
    ("my record number 8841-22 if that helps", "8841-22", "record number"),
    ("medical record no. 00348812", "00348812", "record number"),
    ("hospital number RX4471", "RX4471", "record number"),
    ("SSN 123-45-6789", "123-45-6789", "ID"),
    ("it is 123-45-6789 I think", "123-45-6789", "ID"),
    ("NHS number 943 476 5919", "943 476 5919", "ID"),
    ("NHS no. 9434765919", "9434765919", "ID"),
    ("his patient ID is 88213", "88213", "ID"),
    ("ID: 44817 at the cancer centre", "44817", "ID"),
    ("insurance number XG-4471180", "4471180", "ID"),
    ("reference 12345678 on my letter", "12345678", "ID"),
    ("I live at 221B Baker Street, London", "221B Baker Street", "address"),
    ("Send it to 42 Elm Grove Road please", "42 Elm Grove Road", "address"),
]

# Clinical text that must come through unchanged.
KEPT = [
    "T-DXd 5.4 mg/kg every 3 weeks",
    "zongertinib 240 mg every 2 weeks",
    "sevabertinib 800 mg daily?",
    "Is an ORR of 27.8% good?",
    "grade 3 events in 2-5% of patients",
    "PD-L1 50% or PD-L1 ≥ 50%: does it matter?",
    "What did DESTINY-Lung01 and DESTINY-Lung02 show?",
    "Is ZENITH20-2 still recruiting?",
    "KEYNOTE-189 versus IMpower-150",
    "Is NCT04644237 the same trial as NCT 03505710?",
    "the paper is PMID: 35665780",
    "EudraCT 2019-004474-25 is the European entry",
    "I read the 2024 guideline",
    "presented at ESMO 2022 and ASCO 2023",
    "trials from 2019-2024 and 2022 2023",
    "grade 3 diarrhea, stage IV, stage IIIB",
    "HER2 exon 20 insertion, Y772_A775dup",
    "median PFS 17.8 months (95% CI 5.9-10.3)",
    "HR 0.45 (0.32-0.63), p=0.001",
    "carboplatin AUC 5 plus pemetrexed 500 mg/m2 every 21 days for 4 to 6 cycles",
    "NCCN Version 2.2024 says so",
    "He is 63, ECOG 0-1, BMI 27.5, weight 70 kg",
    "a 2.5-10 mg range",
    "viral load 10000000 copies/mL",
    "1 in 100,000 people",
    "ICD-10 C34.1, T790M and L858R, KRAS G12C",
    "Is pneumonitis an emergency at grade 2?",
    "since April 2024 on treatment",
    "I was born in 1961",
    "lesion 12 x 8 mm",
    "every 3 weeks at 10:30",
    "CheckMate 227 and PAPILLON",
]


@pytest.mark.parametrize(("text", "identifier", "kind"), IDENTIFIERS)
def test_identifiers_are_replaced_by_a_placeholder(text, identifier, kind):
    result = scrub(text)
    assert identifier not in result.text
    assert f"[{kind} removed]" in result.text
    assert kind in result.found


@pytest.mark.parametrize("text", KEPT)
def test_clinical_text_is_kept_as_written(text):
    result = scrub(text)
    assert result.text == text
    assert result.found == ()


def test_a_realistic_question_keeps_its_clinical_sense():
    original = (
        "My mother (DOB 12/05/1958, MRN 00912734) started zongertinib 120 mg daily on "
        "March 2, 2025 after DESTINY-Lung02. Her PD-L1 is 50%. Is grade 3 diarrhea expected? "
        "Call 555-867-5309 or mail kim.l@example.org."
    )
    result = scrub(original)
    assert result.text == (
        "My mother ([date removed], [record number removed]) started zongertinib 120 mg daily on "
        "[date removed] after DESTINY-Lung02. Her PD-L1 is 50%. Is grade 3 diarrhea expected? "
        "Call [phone removed] or mail [email removed]."
    )
    assert result.found == ("email", "record number", "date", "phone")


def test_scrubbing_is_idempotent():
    once = scrub("call 555-123-4567 on 03/04/1961").text
    assert scrub(once).text == once


# Questions in Spanish: (text, the identifier that must disappear, the kind reported).
SPANISH_IDENTIFIERS = [
    ("mi madre nació el 3 de marzo de 1958", "3 de marzo de 1958", "date"),
    ("la cita es el 3 de marzo, ¿es pronto?", "3 de marzo", "date"),
    ("empezó el 1.º de mayo", "1.º de mayo", "date"),
    ("el TAC del 12 ene. 2025 mostró progresión", "12 ene. 2025", "date"),
    ("la biopsia fue el 03/03/2025", "03/03/2025", "date"),
    ("fecha de nacimiento: 12 de mayo de 1958", "12 de mayo de 1958", "date"),
    ("nací en marzo de 1961", "marzo de 1961", "date"),
    ("mi número es +34 612 34 56 78", "+34 612 34 56 78", "phone"),
    ("llámeme al 612 345 678 por la tarde", "612 345 678", "phone"),
    ("llámeme al 612345678", "612345678", "phone"),
    ("Mi teléfono: 91 123 45 67", "91 123 45 67", "phone"),
    ("en México: (55) 1234 5678", "(55) 1234 5678", "phone"),
    ("mi celular es 55 1234 5678", "55 1234 5678", "phone"),
]

SPANISH_KEPT = [
    "zongertinib 120 mg al día desde marzo de 2025",
    "¿La mediana de 17,8 meses es buena?",
    "T-DXd 5,4 mg/kg cada 3 semanas durante 4 a 6 ciclos",
    "aparece en el 2-5 % de los casos",
    "1 de cada 100 000 personas",
    "nací en 1961",
    "acontecimientos de grado 3 en 19 de cada 100 personas",
    "¿Qué mostró el ensayo DESTINY-Lung01?",
    "guías de la NCCN (2024) y la ESMO (2022)",
]


@pytest.mark.parametrize(("text", "identifier", "kind"), SPANISH_IDENTIFIERS)
def test_spanish_dates_and_phone_numbers_are_replaced(text, identifier, kind):
    result = scrub(text)
    assert identifier not in result.text
    assert f"[{kind} removed]" in result.text
    assert result.found == (kind,)


@pytest.mark.parametrize("text", SPANISH_KEPT)
def test_spanish_clinical_text_is_kept_as_written(text):
    result = scrub(text)
    assert result.text == text
    assert result.found == ()


def test_the_words_asking_for_a_call_stay_so_the_editor_knows_a_number_was_given():
    assert scrub("llámeme al 612 345 678, gracias").text == "llámeme al [phone removed], gracias"
    assert scrub("mi número es 612345678").text == "mi número es [phone removed]"


def test_a_realistic_spanish_question_keeps_its_clinical_sense():
    original = (
        "Mi madre empezó zongertinib 120 mg al día el 2 de marzo de 2025, tras DESTINY-Lung02. "
        "Su PD-L1 es del 50 %. ¿Es normal la diarrea de grado 3? Llámeme al 612 345 678."
    )
    assert scrub(original).text == (
        "Mi madre empezó zongertinib 120 mg al día el [date removed], tras DESTINY-Lung02. "
        "Su PD-L1 es del 50 %. ¿Es normal la diarrea de grado 3? Llámeme al [phone removed]."
    )
