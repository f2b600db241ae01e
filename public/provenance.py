"""What a clinician checks, in words and for machines: the page's JSON-LD (schema.org
MedicalWebPage, built from the edition as published) and how to cite it."""

import json

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from articles.models import Article, Edition, topic_name
from config.site import site_url
from personalization.models import ReaderRole


def permalink(article: Article, edition: Edition) -> str:
    return site_url(reverse("public:edition", args=[article.public_slug, edition.number]))


def medical_web_page(
    article: Article, edition: Edition, references, role: ReaderRole | None
) -> dict:
    lay = role is not None and role.is_lay
    language = article.language
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": edition.title,
        "headline": edition.title,
        "description": edition.summary,
        "url": site_url(article.get_absolute_url()),
        "inLanguage": language,
        "dateModified": (edition.text_updated_at or edition.published_at).isoformat(),
        "audience": {
            "@type": "MedicalAudience" if not lay else "PeopleAudience",
            "audienceType": "Patient" if lay else "Clinician",
        },
        "author": [_person(a["name"], a["credentials"]) for a in edition.authors],
        "about": [
            # In the language of the text (an edition from before Spanish names has none).
            {"@type": "Thing", "name": topic_name(t["name"], t.get("name_es", ""), language).text}
            for t in edition.topics
        ],
        "citation": [_citation(ref) for ref in references],
        "publisher": {"@type": "Organization", "name": "Vetted"},
    }
    if edition.is_approved:
        data |= {
            "lastReviewed": edition.published_at.date().isoformat(),
            "reviewedBy": _reviewers(edition),
            "version": str(edition.number),
        }
    return data


def json_ld(data: dict) -> SafeString:
    """For a <script type="application/ld+json"> element: nothing in it can close the element."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escaped)
    return mark_safe(text)


def _reviewers(edition: Edition) -> dict | list[dict]:
    """Everyone who signed the edition off (one Person where one did, as before)."""
    people = [_person(signed["name"], signed["credentials"]) for signed in edition.approvers]
    if len(people) > 1:
        return people
    return people[0] if people else _person(edition.approver_name, edition.approver_credentials)


def _person(name: str, credentials: str) -> dict:
    person = {"@type": "Person", "name": name}
    if credentials:
        person["honorificSuffix"] = credentials
    return person


def _citation(ref) -> dict:
    work = {"@type": "CreativeWork", "name": ref.title}
    if ref.authors:
        work["author"] = ref.authors
    if ref.year:
        work["datePublished"] = str(ref.year)
    if ref.volume or ref.issue or ref.pages:
        # An article in a journal: where to find it, as schema.org nests it.
        work["@type"] = "ScholarlyArticle"
        if part := _journal_part(ref):
            work["isPartOf"] = part
        if ref.pages:
            work["pagination"] = ref.pages
    elif ref.source:
        work["isPartOf"] = ref.source
    identifiers = []
    if ref.doi:
        identifiers.append({"@type": "PropertyValue", "propertyID": "DOI", "value": ref.doi})
        work["url"] = ref.doi_url
    if ref.pmid:
        identifiers.append({"@type": "PropertyValue", "propertyID": "PMID", "value": ref.pmid})
        work.setdefault("url", ref.pmid_url)
    if identifiers:
        work["identifier"] = identifiers
    if ref.url:
        work.setdefault("url", ref.url)
    return work


def _journal_part(ref) -> dict | str:
    """The issue in the volume in the journal, each level only where it is known."""
    part: dict | str = {"@type": "Periodical", "name": ref.source} if ref.source else ""
    if ref.volume:
        part = {"@type": "PublicationVolume", "volumeNumber": ref.volume} | (
            {"isPartOf": part} if part else {}
        )
    if ref.issue:
        part = {"@type": "PublicationIssue", "issueNumber": ref.issue} | (
            {"isPartOf": part} if part else {}
        )
    return part
