"""The words generated articles are made of: word lists and templated Markdown.

Templates name their slots `{like_this}`; citation slots are written `[@ref-a]` … `[@ref-d]` and
become real reference keys per article. Every value is plain text with no Markdown or HTML
meaning, so the HTML rendered once per template with a sentinel in each slot turns into the
HTML of any article by replacing the sentinels (see writer.BodyTemplate).
"""

import random
import re

CONDITIONS = (
    "type 2 diabetes", "heart failure with reduced ejection fraction", "chronic kidney disease",
    "atrial fibrillation", "rheumatoid arthritis", "plaque psoriasis", "major depressive disorder",
    "chronic migraine", "severe asthma", "COPD", "resistant hypertension", "osteoporosis",
    "Crohn disease", "ulcerative colitis", "relapsing multiple sclerosis", "Parkinson disease",
    "early Alzheimer disease", "chronic hepatitis C", "HIV infection",
    "community-acquired pneumonia",
    "septic shock", "non-small cell lung cancer", "HER2-positive breast cancer",
    "metastatic colorectal cancer", "metastatic prostate cancer", "advanced melanoma",
    "acute myeloid leukaemia", "chronic lymphocytic leukaemia", "multiple myeloma", "endometriosis",
    "polycystic ovary syndrome", "gout", "psoriatic arthritis", "atopic dermatitis", "obesity",
    "hypothyroidism", "iron-deficiency anaemia", "sickle cell disease", "cystic fibrosis",
    "focal epilepsy", "schizophrenia", "bipolar disorder", "generalised anxiety disorder",
    "chronic insomnia", "opioid use disorder", "pulmonary tuberculosis", "uncomplicated malaria",
    "open-angle glaucoma", "neovascular macular degeneration", "venous thromboembolism",
    "pulmonary arterial hypertension", "stable angina", "peripheral artery disease",
    "chronic hepatitis B", "metabolic dysfunction-associated steatohepatitis",
    "idiopathic pulmonary fibrosis", "heavy menstrual bleeding", "overactive bladder",
    "benign prostatic hyperplasia", "hidradenitis suppurativa",
)  # fmt: skip
DRUGS = (
    "metformin", "empagliflozin", "dapagliflozin", "semaglutide", "tirzepatide",
    "sacubitril-valsartan", "apixaban", "rivaroxaban", "dabigatran", "warfarin", "atorvastatin",
    "rosuvastatin", "ezetimibe", "evolocumab", "inclisiran", "amlodipine", "lisinopril",
    "spironolactone", "finerenone", "adalimumab", "etanercept", "ustekinumab", "secukinumab",
    "risankizumab", "upadacitinib", "tofacitinib", "baricitinib", "dupilumab", "omalizumab",
    "mepolizumab", "tiotropium", "budesonide-formoterol", "sertraline", "escitalopram",
    "bupropion", "esketamine", "lithium", "quetiapine", "aripiprazole", "lamotrigine",
    "levetiracetam", "erenumab", "rimegepant", "sumatriptan", "levodopa", "donepezil",
    "lecanemab", "sofosbuvir-velpatasvir", "tenofovir", "dolutegravir", "bictegravir",
    "amoxicillin", "doxycycline", "azithromycin", "ceftriaxone", "piperacillin-tazobactam",
    "osimertinib", "pembrolizumab", "nivolumab", "trastuzumab deruxtecan", "zongertinib",
    "amivantamab", "sotorasib", "olaparib", "enzalutamide", "abiraterone", "venetoclax",
    "ibrutinib", "daratumumab", "lenalidomide", "denosumab", "alendronate", "zoledronic acid",
    "allopurinol", "febuxostat", "colchicine", "levothyroxine", "ferric carboxymaltose",
    "hydroxyurea", "ivacaftor", "buprenorphine", "methadone", "rifampicin", "isoniazid",
    "artemether-lumefantrine", "latanoprost", "aflibercept", "faricimab", "macitentan",
    "ticagrelor", "clopidogrel", "aspirin", "tranexamic acid", "mirabegron", "tamsulosin",
)  # fmt: skip
POPULATIONS = (
    "adults over 65", "people with a prior myocardial infarction", "pregnant women",
    "children aged 6 to 11 years", "adolescents", "patients with an eGFR of 25 to 60 mL/min",
    "treatment-naive patients", "patients after two prior lines of therapy",
    "people with obesity", "frail older adults", "patients with liver impairment",
    "people living in low-resource settings", "patients with a history of bleeding",
    "smokers", "people of South Asian ancestry", "postmenopausal women",
)  # fmt: skip
OUTCOMES = (
    "hospitalisation for heart failure", "progression-free survival", "overall survival",
    "HbA1c", "the annualised relapse rate", "sustained virological response",
    "major adverse cardiovascular events", "ACR50 response", "PASI 90 response",
    "monthly migraine days", "time to first exacerbation", "stroke or systemic embolism",
    "all-cause mortality", "kidney failure", "fracture risk", "symptom-free days",
    "objective response rate", "complete remission", "body weight", "quality of life",
)  # fmt: skip
ADVERSE_EVENTS = (
    "nausea", "diarrhoea", "headache", "injection-site reactions", "hypoglycaemia", "neutropenia",
    "interstitial lung disease", "QT prolongation", "raised liver enzymes", "rash", "fatigue",
    "hyperkalaemia", "genital mycotic infections", "major bleeding", "infusion reactions",
    "peripheral neuropathy", "dizziness", "weight gain", "insomnia", "conjunctivitis",
)  # fmt: skip
TRIAL_WORDS = (
    "AURORA", "BEACON", "CASCADE", "DELTA", "EMBER", "FALCON", "GALAXY", "HARBOR", "IRIS",
    "JUNIPER", "KESTREL", "LUMEN", "MERIDIAN", "NOVA", "ORBIT", "PRISM", "QUARTZ", "RAVEN",
    "SUMMIT", "TIDE", "UNITY", "VERTEX", "WILLOW", "ZENITH", "ATLAS", "COMPASS", "HORIZON",
)  # fmt: skip
TRIAL_SUFFIXES = ("", "-1", "-2", "-3", "-301", "-302", "-HF", "-CKD", "-ONC", "-PRO", "-LT")
DOSE_AMOUNTS = ("2.5", "5", "10", "20", "25", "40", "50", "100", "150", "200", "300", "400", "600")
DOSE_UNITS = ("mg", "mg", "mg", "mg/kg", "µg", "mg/m²", "IU")
DOSE_INTERVALS = (
    "once daily", "twice daily", "once weekly", "every 2 weeks", "every 3 weeks", "every 4 weeks",
    "as a single dose", "three times daily",
)  # fmt: skip
TOPICS = (
    "Cardiology", "Oncology", "Endocrinology", "Nephrology", "Rheumatology", "Dermatology",
    "Psychiatry", "Neurology", "Pulmonology", "Gastroenterology", "Hepatology",
    "Infectious disease", "Haematology", "Women's health", "Urology", "Ophthalmology",
    "Geriatrics", "Paediatrics", "Pharmacology", "Critical care", "Addiction medicine",
    "Primary care", "Thoracic oncology", "Breast cancer", "Vascular medicine", "Bone health",
    "Sleep medicine", "Obesity medicine", "Clinical trials", "Drug safety",
)  # fmt: skip

TITLES = (
    "What is the first-line treatment for {condition} in {population}?",
    "Does {drug} reduce {outcome} in {condition}?",
    "How should {drug} be dosed in {condition}?",
    "Is {drug} safe for {population} with {condition}?",
    "When should {drug2} be added to {drug} for {condition}?",
    "{drug} or {drug2} for {condition}: which comes first?",
    "What did the {trial} trial show for {condition}?",
    "How is {condition} monitored during {drug} treatment?",
    "Which patients with {condition} benefit from {drug}?",
    "Should {drug} be paused before surgery in {condition}?",
    "How long should {drug} be continued in {condition}?",
    "What are the main risks of {drug} in {population}?",
)
SUMMARIES = (
    "{drug} is recommended for most people with {condition}; {drug2} is the alternative when it "
    "is not tolerated.",
    "In the {trial} trial, {drug} improved {outcome} (hazard ratio {hr}); guidelines now "
    "recommend it for {condition}.",
    "Start {drug} at {dose}; check for {ae} at {weeks} weeks and adjust the dose if needed.",
    "The evidence for {drug} in {population} is limited; shared decision-making is advised.",
    "For {condition}, {drug} lowers {outcome} by about {pct}% and is generally well tolerated.",
    "Add {drug2} when {outcome} is not controlled after {weeks} weeks of {drug}.",
    "{drug} remains standard for {condition}, but watch for {ae} and {ae2}.",
    "Most guidelines favour {drug} over {drug2} for {condition} in {population}.",
)

SHORT_ANSWERS = (
    "## Short answer\n\nFor {condition}, {drug} is the preferred first option for most "
    "patients.[@ref-a] Where it is contraindicated or not tolerated, {drug2} is a reasonable "
    "alternative.[@ref-b]\n",
    "## Short answer\n\nCurrent guidelines recommend {drug} at {dose} for {condition}, with a "
    "review of response after {weeks} weeks.[@ref-a]\n",
    "## Short answer\n\nYes. In {population}, {drug} reduced {outcome} compared with placebo, "
    "and the benefit was seen within {m1} months.[@ref-a][@ref-b]\n",
    "## Short answer\n\nThe answer depends on {population}: most should receive {drug}, but "
    "those at high risk of {ae} may do better with {drug2}.[@ref-a]\n",
    "## Short answer\n\n{drug} is effective, but the evidence in {population} comes mainly "
    "from subgroup analyses, so it should be used with care.[@ref-b]\n",
    "## In brief\n\nTreat {condition} with {drug} first; add {drug2} if {outcome} does not "
    "improve.[@ref-a] Review adherence before escalating.\n",
)  # fmt: skip
EVIDENCE = (
    "## What the evidence shows\n\nThe {trial} trial randomised {n} patients with {condition} "
    "to {drug} or placebo.[@ref-b] After a median follow-up of {m2} months, {outcome} improved "
    "with a hazard ratio of {hr} (95% CI {ci}). The effect was consistent across age groups and "
    "in {population}.[@ref-c]\n",
    "## What the evidence shows\n\nTwo randomised trials support this. In {trial} ({n} "
    "participants), {drug} improved {outcome} by {pct}% over {m1} months.[@ref-a] In {trial2} "
    "({n2} participants), the benefit held at {m2} months, with a hazard ratio of {hr}.[@ref-c]"
    "\n\nA systematic review pooling {n3} patients found similar results.[@ref-d]\n",
    "## Evidence\n\n| Trial | Patients | Outcome | Result |\n| --- | --- | --- | --- |\n"
    "| {trial} | {n} | {outcome} | HR {hr} |\n| {trial2} | {n2} | {outcome2} | {pct}% better |\n\n"
    "Both trials were double-blind and placebo-controlled.[@ref-b][@ref-c]\n",
    "## What the evidence shows\n\nObservational data from {n} patients in routine care "
    "matched the trial results: {outcome} was {pct}% lower with {drug} after {m1} months.[@ref-c]"
    " Confidence is moderate, because the comparison was not randomised.\n",
    "## Key trials\n\n- **{trial}**: {n} patients with {condition}; {outcome}, hazard ratio {hr} "
    "(95% CI {ci}).[@ref-b]\n- **{trial2}**: {n2} patients; {outcome2} improved by {pct}% at "
    "{m2} months.[@ref-c]\n- A pooled analysis of {n3} patients confirmed the effect in "
    "{population}.[@ref-d]\n",
)  # fmt: skip
DOSING = (
    "## Dosing and monitoring\n\nStart {drug} at {dose} and increase to {dose2} after {weeks} "
    "weeks if tolerated. Check kidney function and electrolytes at baseline and after "
    "{weeks2} weeks.[@ref-a]\n",
    "## How to give it\n\n1. Confirm the diagnosis of {condition}.\n2. Start {drug} at {dose}.\n"
    "3. Review at {weeks} weeks: response, {ae} and adherence.\n4. Add {drug2} at {dose2} if "
    "{outcome} has not improved.[@ref-b]\n",
    "## Dosing\n\nThe usual dose is {dose}. In {population}, a lower starting dose of {dose2} is "
    "often used.[@ref-a] No adjustment is needed for mild liver impairment.\n",
    "## Monitoring\n\nMeasure {outcome} every {weeks} weeks during the first {m1} months, then "
    "every {m2} months. Stop {drug} if {ae} becomes severe.[@ref-c]\n",
)  # fmt: skip
SAFETY = (
    "## Safety\n\nThe most common adverse events with {drug} were:\n\n- {ae} ({pct2}%)\n- {ae2}\n"
    "- {ae3}\n\nSerious adverse events were uncommon and similar to placebo.[@ref-b]\n",
    "## Risks and side effects\n\n{ae} occurred in {pct2}% of patients taking {drug}, compared "
    "with {pct3}% on placebo.[@ref-c] Rare but important: {ae2}. Tell patients to report "
    "{ae3} early.\n",
    "## Safety\n\nAvoid {drug} in {population} unless the benefit clearly outweighs the risk of "
    "{ae}.[@ref-a] Interactions with {drug2} are clinically relevant; check before "
    "prescribing.\n",
    "## Who should not take it\n\n- People with a known allergy to {drug}\n- {population} with "
    "a history of {ae}\n- Anyone already taking {drug2} at {dose2}, unless a specialist "
    "advises it[@ref-d]\n",
)  # fmt: skip
CLOSING = (
    "## Bottom line\n\n{drug} is a good first choice for {condition}. Review the plan after "
    "{m1} months.\n",
    "## What this means for patients\n\nMost people with {condition} can expect {outcome} to "
    "improve with {drug}. Side effects such as {ae} are usually mild and settle within "
    "{weeks} weeks.\n",
    "## Open questions\n\nLong-term data beyond {m2} months are scarce, and {population} were "
    "under-represented in the trials. Ongoing studies, including {trial2}, should report by "
    "{year}.[@ref-d]\n",
    "",
)  # fmt: skip
SECTION_POOLS = (SHORT_ANSWERS, EVIDENCE, DOSING, SAFETY, CLOSING)

CITATION_SLOTS = ("ref-a", "ref-b", "ref-c", "ref-d")
SLOT = re.compile(r"\{([a-z0-9_]+)\}")
# Nothing a value may contain means anything to Markdown or HTML.
PLAIN = re.compile(r"[^*_`\[\]<>&|#\\{}\"']*")

REFERENCE_SOURCES = (
    "N Engl J Med", "Lancet", "JAMA", "BMJ", "Ann Intern Med", "J Clin Oncol", "Circulation",
    "Diabetes Care", "Cochrane Database Syst Rev", "Eur Heart J", "Lancet Oncol", "Gut",
)  # fmt: skip
REFERENCE_AUTHORS = (
    "Okafor N", "Lindqvist A", "Tanaka H", "Moreau C", "Singh P", "García L", "Kowalski M",
    "Byrne D", "Haddad R", "Chen Y", "Nielsen K", "Adeyemi F", "Rossi G", "Park J",
)  # fmt: skip


def body_templates(rng: random.Random, count: int) -> list[str]:
    """`count` distinct article bodies made of one section from each pool, in pool order."""
    seen: dict[str, None] = {}
    while len(seen) < count:
        sections = [rng.choice(pool) for pool in SECTION_POOLS]
        seen.setdefault("\n".join(s for s in sections if s), None)
    return list(seen)


def article_values(rng: random.Random) -> dict[str, str]:
    """One article's words and numbers for the slots of its templates."""
    drug, drug2 = rng.sample(DRUGS, 2)
    trial, trial2 = (f"{w}{rng.choice(TRIAL_SUFFIXES)}" for w in rng.sample(TRIAL_WORDS, 2))
    ae, ae2, ae3 = rng.sample(ADVERSE_EVENTS, 3)
    outcome, outcome2 = rng.sample(OUTCOMES, 2)
    return {
        "condition": rng.choice(CONDITIONS),
        "population": rng.choice(POPULATIONS),
        "drug": drug, "drug2": drug2, "trial": trial, "trial2": trial2,
        "outcome": outcome, "outcome2": outcome2, "ae": ae, "ae2": ae2, "ae3": ae3,
        "dose": _dose(rng), "dose2": _dose(rng), "year": str(rng.randint(2026, 2031)),
        **revised_numbers(rng),
    }  # fmt: skip


def revised_numbers(rng: random.Random) -> dict[str, str]:
    """The figures a revision typically changes: trial sizes, effects, follow-up."""
    low = round(rng.uniform(0.40, 0.80), 2)
    hr = round(rng.uniform(low + 0.04, min(low + 0.2, 0.97)), 2)
    high = round(rng.uniform(hr + 0.03, hr + 0.18), 2)
    return {
        "n": f"{rng.randint(120, 18000):,}", "n2": f"{rng.randint(200, 9000):,}",
        "n3": f"{rng.randint(5000, 60000):,}", "hr": f"{hr:.2f}",
        "ci": f"{low:.2f}\u2013{high:.2f}",  # an en dash, as journals print ranges
        "m1": str(rng.choice((3, 6, 9, 12, 18))), "m2": f"{rng.uniform(8, 60):.1f}",
        "pct": str(rng.randint(8, 45)), "pct2": str(rng.randint(3, 30)),
        "pct3": str(rng.randint(1, 12)), "weeks": str(rng.choice((2, 4, 6, 8, 12))),
        "weeks2": str(rng.choice((1, 2, 4))),
    }  # fmt: skip


def _dose(rng: random.Random) -> str:
    amount, unit = rng.choice(DOSE_AMOUNTS), rng.choice(DOSE_UNITS)
    return f"{amount} {unit} {rng.choice(DOSE_INTERVALS)}"


def check_plain(values: dict[str, str]) -> None:
    bad = [v for v in values.values() if not PLAIN.fullmatch(v)]
    if bad:
        raise ValueError(f"Generated values must be plain text: {bad}")
