"""Load the demo: groups, the demo users, disclaimers and the NSCLC HER2 article in Submitted,
published provisionally (as the seed page shows it), with its Spanish translation approved by
the board's Spanish readers and left one English text behind, so its readers see the lag."""

import os
from pathlib import Path

import frontmatter
import reversion
import yaml
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import ContributorProfile, User
from articles.importing import read_article_file
from articles.models import Article, Disclaimer, ReviewState, Topic
from articles.selectors import latest_revision_id
from articles.services import import_article
from contributors.models import Disclosure
from outbox.models import Email
from outbox.services import settle_unsent
from personalization.models import Audience, GlossaryTerm, ReaderRole
from personalization.services import save_variant
from public.demo import disclaimers
from publishing.services import change_surroundings
from review import services as review_services
from review.checklist import all_confirmed
from review.models import SignOffPolicy
from review.translations import start_translation
from review.workflow import ADMINS, AUTHORS, EDITORS, GROUPS, REVIEWERS

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
DEMO_ARTICLE = DEMO_DIR / "nsclc-her2-exon-20-first-line.md"
DEMO_VARIANTS = [DEMO_DIR / "nsclc-her2-exon-20-first-line.patient.md"]
DEMO_GLOSSARY = DEMO_DIR / "glossary.yaml"
# The Spanish texts of the demo article: its default text (an article file whose slug is the
# translation's, `<english-slug>-es`) and its reader versions, loaded as a translation of the
# English text readers see (Command._translations); the files are kept in step with the English
# ones by tests.
DEMO_TRANSLATIONS = {
    "es": (
        DEMO_DIR / "nsclc-her2-exon-20-first-line.es.md",
        [DEMO_DIR / "nsclc-her2-exon-20-first-line.patient.es.md"],
    ),
}
# After the Spanish translation is approved, the board asks for one sentence of the English text
# to be clarified ("that trial" is DESTINY-Lung01, as the seed says), and the author resubmits
# it: the English text readers see moves on, and the Spanish one is one text behind. (Not the
# sentence on median overall survival: the browser tests comment on that one.)
DEMO_REVISION = (
    "    - In that trial, 86% of patients had a HER2 exon 20 insertion mutation.",
    "    - In DESTINY-Lung01, 86% of patients had a HER2 exon 20 insertion mutation.",
)
DEMO_REVISION_REQUEST = (
    "Please name the trial in which 86% of patients had the insertion (DESTINY-Lung01): "
    "“that trial” is easy to misread after the survival figure."
)
DEMO_MAIL = "Not sent: a notice of load_demo's setup, to a demo user (example.org)."

READER_ROLES = (
    # slug, label, description, audience, target grade, order, falls back to
    ("patient", "Patient", "I have this condition, or I am being checked for it.", Audience.LAY,
     8, 1, None),
    ("caregiver", "Caregiver or family member", "I look after someone with this condition.",
     Audience.LAY, 8, 2, "patient"),
    ("student", "Student", "I study medicine, nursing or another health science.",
     Audience.PROFESSIONAL, 12, 3, None),
    ("nurse", "Nurse or allied health professional", "I care for patients as a nurse, "
     "pharmacist or other health professional.", Audience.PROFESSIONAL, 14, 4, None),
    ("physician", "Physician", "I am a doctor.", Audience.PROFESSIONAL, 16, 5, None),
)  # fmt: skip

# slug → its Spanish label and description (ReaderRole.label_es, description_es)
READER_ROLES_ES = {
    "patient": ("Paciente", "Tengo esta enfermedad o me están haciendo pruebas para saberlo."),
    "caregiver": ("Cuidador/a o familiar", "Cuido de una persona con esta enfermedad."),
    "student": ("Estudiante", "Estudio medicina, enfermería u otra carrera de ciencias de la "
                "salud."),
    "nurse": ("Enfermería u otra profesión sanitaria", "Atiendo a pacientes desde la enfermería, "
              "la farmacia u otra profesión sanitaria."),
    "physician": ("Médico/a", "Ejerzo la medicina."),
}  # fmt: skip

# The demo article's topics (its files' `topics`): slug, name, Spanish name (Topic.name_es).
DEMO_TOPICS = (
    ("lung-cancer", "Lung cancer", "Cáncer de pulmón"),
    ("targeted-therapy", "Targeted therapy", "Terapia dirigida"),
    ("oncology", "Oncology", "Oncología"),
)

DEMO_USERS = (
    # username, display name, credentials, group
    ("author", "Sam Carter", "Medical writer", AUTHORS),
    ("reviewer", "Dr. Ana Reyes", "MD, Medical Oncology", REVIEWERS),
    ("reviewer2", "Dr. Tomas Lind", "MD, PhD, Thoracic Oncology", REVIEWERS),
    ("editor", "Jo Mensah", "Managing editor", EDITORS),
    ("admin", "Site administrator", "", ADMINS),
)

DEMO_PROFILES = (
    # username, contributor page slug, board role, affiliations (one a line), bio
    ("reviewer", "ana-reyes", "Medical Advisory Board, thoracic oncology",
     "Department of Medical Oncology, Example University Hospital\n"
     "Lung Cancer Working Group, Example Oncology Society",
     "Medical oncologist treating lung cancer; reviews Vetted's thoracic oncology articles."),
    ("reviewer2", "tomas-lind", "Medical Advisory Board, thoracic oncology",
     "Thoracic Oncology Unit, Example Cancer Centre\n"
     "Clinical Trials Committee, Example Oncology Society",
     "Thoracic oncologist and trialist; reviews Vetted's lung cancer articles."),
    ("author", "sam-carter", "", "Vetted editorial team",
     "Medical writer; drafts Vetted's articles from the guidelines they cite."),
)  # fmt: skip


class Command(BaseCommand):
    help = "Load the demo data (safe to run again). Passwords come from DEMO_PASSWORD."

    def handle(self, *args, **options):
        if settings.VETTED_ENVIRONMENT == "production":
            raise CommandError("load_demo is refused in production settings.")
        password = os.environ.get("DEMO_PASSWORD", "")
        if not password:
            raise CommandError("Set DEMO_PASSWORD to the password the demo users should have.")
        with transaction.atomic():
            mail_before = Email.objects.aggregate(last=Max("pk"))["last"] or 0
            users = self._users(password)
            self._contributors(users)
            self._qualifications(users)
            self._disclaimers(users["admin"])
            self._roles(users["admin"])
            self._glossary(users["admin"])
            self._topics(users["admin"])
            self._policies()
            article = self._article(users["author"], editor=users["editor"])
            self._translations(article, users)
            # The setup's own notices (submitted, published provisionally) go to the demo's
            # example.org users: kept in the outbox, never printed over the sign-in line.
            settle_unsent(emails=Email.objects.filter(pk__gt=mail_before), reason=DEMO_MAIL)
        self.stdout.write(
            f"Demo loaded: /articles/{article.slug}/ is {article.get_state_display()}; "
            f"users {', '.join(users)} (password from DEMO_PASSWORD)."
        )

    def _users(self, password: str) -> dict[str, User]:
        groups = {name: Group.objects.get_or_create(name=name)[0] for name in GROUPS}
        users = {}
        for username, display_name, credentials, group in DEMO_USERS:
            user, _ = User.objects.get_or_create(username=username)
            user.display_name, user.credentials = display_name, credentials
            user.email = f"{username}@example.org"
            user.is_active = True
            user.is_staff = user.is_superuser = username == "admin"
            user.set_password(password)
            user.save()
            user.groups.set([groups[group]])
            users[username] = user
        return users

    def _contributors(self, users: dict[str, User]) -> None:
        created = []
        for username, slug, board_role, affiliations, bio in DEMO_PROFILES:
            if ContributorProfile.objects.filter(user=users[username]).exists():
                continue  # admins may have edited it
            created.append(ContributorProfile.objects.create(
                user=users[username], slug=slug, board_role=board_role,
                affiliations=affiliations, bio=bio, is_public=True,
            ))  # fmt: skip
        if created:  # bylines already published now link to the new pages
            change_surroundings("people", by=users["admin"], note="Demo contributor pages")
        # Every reviewer approves only with a disclosure in force: one of today for each whose
        # disclosure is missing or due (a demo loaded again a year later renews them).
        today = timezone.localdate()
        for username, *_, group in DEMO_USERS:
            if group != REVIEWERS:
                continue
            current = Disclosure.objects.current_for(users[username].pk)
            if current is not None and not current.is_due_for_renewal(today):
                continue
            with reversion.create_revision():
                Disclosure.objects.create(
                    contributor=users[username].contributor_profile, declared_on=today,
                    none_to_declare=True,
                    statement="No financial relationships with companies whose products "
                    "are discussed in articles I review.",
                )  # fmt: skip
                reversion.set_user(users["admin"])
                reversion.set_comment("Demo disclosure")

    # username, contributor page slug (for a profile made here), specialties, languages read
    # (both read Spanish: the oncology policy asks two sign-offs of the demo's translation, and
    # a translation is signed off only by reviewers who read its language)
    DEMO_QUALIFICATIONS = (
        ("reviewer", "ana-reyes", "oncology, medical oncology, thoracic oncology", "en, es"),
        ("reviewer2", "tomas-lind", "oncology, thoracic oncology", "en, es"),
    )

    def _qualifications(self, users: dict[str, User]) -> None:
        """Both demo reviewers are oncologists who read Spanish, so the two of them can sign off
        the oncology article and its Spanish translation: their profiles say so (a minimal,
        unlisted profile where they have none); specialties and languages an admin has already
        set are kept."""
        for username, slug, specialties, languages in self.DEMO_QUALIFICATIONS:
            profile, _ = ContributorProfile.objects.get_or_create(
                user=users[username],
                defaults={"slug": slug, "board_role": "Medical Advisory Board"},
            )
            if not profile.specialties:
                profile.specialties = specialties
                profile.save(update_fields=["specialties"])
            if profile.languages in ("", "en"):  # the field's default: nobody chose otherwise
                profile.languages = languages
                profile.save(update_fields=["languages"])

    def _disclaimers(self, admin: User) -> None:
        for audience, (title, body), (title_es, body_es) in (
            (Disclaimer.Audience.PROFESSIONAL, disclaimers.PROFESSIONAL,
             disclaimers.PROFESSIONAL_ES),
            (Disclaimer.Audience.LAY, disclaimers.LAY, disclaimers.LAY_ES),
        ):  # fmt: skip
            disclaimer = Disclaimer.objects.filter(audience=audience).first()
            if disclaimer is not None and (disclaimer.title_es or disclaimer.body_es):
                continue  # admins may have edited it; never overwrite
            with reversion.create_revision():
                if disclaimer is None:
                    Disclaimer.objects.create(
                        audience=audience, title=title, body=body, title_es=title_es,
                        body_es=body_es,
                    )  # fmt: skip
                else:  # loaded before the Spanish texts: add them, keep the English as it is
                    disclaimer.title_es, disclaimer.body_es = title_es, body_es
                    disclaimer.save(update_fields=["title_es", "body_es", "updated_at"])
                    change_surroundings(audience, by=admin, note="Demo disclaimer in Spanish")
                reversion.set_user(admin)
                reversion.set_comment("Demo disclaimer")

    def _roles(self, admin: User) -> None:
        added_spanish = False
        for slug, label, description, audience, grade, order, fallback in READER_ROLES:
            label_es, description_es = READER_ROLES_ES[slug]
            role = ReaderRole.objects.filter(slug=slug).first()
            if role is not None and (role.label_es or role.description_es):
                continue  # admins may have edited it
            with reversion.create_revision():
                if role is None:
                    ReaderRole.objects.create(
                        slug=slug, label=label, description=description, audience=audience,
                        target_grade=grade, order=order, label_es=label_es,
                        description_es=description_es,
                        fallback=ReaderRole.objects.filter(slug=fallback).first(),
                    )  # fmt: skip
                else:  # loaded before the Spanish texts: add them, keep the rest as it is
                    role.label_es, role.description_es = label_es, description_es
                    role.save(update_fields=["label_es", "description_es"])
                    added_spanish = True
                reversion.set_user(admin)
                reversion.set_comment("Demo reader role")
        if added_spanish:
            change_surroundings("roles", by=admin, note="Demo reader roles in Spanish")

    def _glossary(self, admin: User) -> None:
        for entry in yaml.safe_load(DEMO_GLOSSARY.read_text()):
            term = GlossaryTerm.objects.filter(term=entry["term"]).first()
            if term is not None and (term.term_es or term.explanation_es):
                continue  # admins may have edited it
            spanish = {
                "term_es": entry["term_es"],
                "aliases_es": ", ".join(entry.get("aliases_es") or []),
                "explanation_es": entry["explanation_es"],
            }
            with reversion.create_revision():
                if term is None:
                    GlossaryTerm.objects.create(
                        term=entry["term"],
                        aliases=", ".join(entry.get("aliases") or []),
                        explanation=entry["explanation"],
                        **spanish,
                    )
                else:  # loaded before the Spanish texts: add them, keep the English as it is
                    for name, value in spanish.items():
                        setattr(term, name, value)
                    term.save(update_fields=list(spanish))
                reversion.set_user(admin)
                reversion.set_comment("Demo glossary")

    def _topics(self, admin: User) -> None:
        """The demo article's topics, with their Spanish names (before the article is imported,
        which finds them by name, so its editions record the Spanish names too)."""
        for slug, name, name_es in DEMO_TOPICS:
            topic = Topic.objects.filter(slug=slug).first()
            if topic is not None and topic.name_es:
                continue  # admins may have edited it
            with reversion.create_revision():
                if topic is None:
                    Topic.objects.create(slug=slug, name=name, name_es=name_es)
                else:  # loaded before the Spanish names: add them, keep the rest as it is
                    topic.name_es = name_es
                    topic.save(update_fields=["name_es"])
                reversion.set_user(admin)
                reversion.set_comment("Demo topic")

    def _policies(self) -> None:
        """One approval by default; an oncology article needs two, one from an oncologist."""
        SignOffPolicy.objects.get_or_create(topic=None)
        oncology, _ = Topic.objects.get_or_create(slug="oncology", defaults={"name": "Oncology"})
        SignOffPolicy.objects.get_or_create(
            topic=oncology,
            defaults={"approvals_required": 2, "specialty_required": "oncology", "review_days": 10},
        )

    def _article(self, author: User, *, editor: User) -> Article:
        source = read_article_file(DEMO_ARTICLE)
        article = Article.objects.filter(slug=source.slug).first()
        if article is not None:
            return article  # already loaded; its review may have moved on
        article = import_article(source=source, by=author)
        for path in DEMO_VARIANTS:
            variant = frontmatter.loads(path.read_text())
            save_variant(
                article=article,
                role=ReaderRole.objects.get(slug=variant["role"]),
                summary=variant["summary"],
                body=variant.content,
                by=author,
                comment=f"Imported from {path.name}",
            )
        for name, by, comment in (
            ("submit", author, "Demo article, ready for the advisory board."),
            ("publish_provisionally", editor, "Shown pending review, as the seed page is."),
        ):
            review_services.make_move(
                name, article=article, by=by, seen_revision_id=latest_revision_id(article),
                comment=comment,
            )  # fmt: skip
        return article

    def _translations(self, article: Article, users: dict[str, User]) -> None:
        """Each demo translation (DEMO_TRANSLATIONS), once: started from the English text readers
        see (the provisional edition), written from its files, approved by the board's readers
        of its language, then the English text revised and published provisionally again."""
        made = False
        for language, (path, variant_paths) in DEMO_TRANSLATIONS.items():
            source = read_article_file(path)
            if Article.objects.filter(slug=source.slug).exists():
                continue  # already loaded; its review may have moved on
            if not self._as_loaded(article):
                continue  # the English article moved on since the demo was loaded: leave it be
            translation = start_translation(original=article, by=users["author"], language=language)
            self._write_translation(translation, source, variant_paths, by=users["author"])
            self._approve_translation(translation, users)
            made = True
        if made:  # every translation made now translates the first text: leave them behind it
            self._revise_english(article, users)

    @staticmethod
    def _as_loaded(article: Article) -> bool:
        """The English article is still as load_demo leaves it: submitted and shown pending."""
        article.refresh_from_db()
        shown = article.public_edition
        return (
            article.state == ReviewState.SUBMITTED
            and article.withdrawn_at is None
            and shown is not None
            and not shown.is_approved
            and shown.revision_id == article.submitted_revision_id
        )

    def _write_translation(self, translation: Article, source, variant_paths, *, by: User) -> None:
        """The translator's text and reader versions over the English ones it was started with."""
        review_services.edit_article(
            article=translation, by=by, seen_revision_id=latest_revision_id(translation),
            title=source.title, summary=source.summary, body=source.body,
            literature_current_through=source.literature_current_through,
            comment="Translated from the English text",
        )  # fmt: skip
        for path in variant_paths:
            variant = frontmatter.loads(path.read_text())
            review_services.edit_variant(
                article=translation, role=ReaderRole.objects.get(slug=variant["role"]), by=by,
                seen_revision_id=latest_revision_id(translation), summary=variant["summary"],
                body=variant.content, comment=f"Imported from {path.name}",
            )  # fmt: skip

    def _approve_translation(self, translation: Article, users: dict[str, User]) -> None:
        """Submitted by its translator, then signed off by both demo reviewers (oncologists who
        read Spanish: the oncology policy asks two), each answering the board's checklist."""
        # Read afresh: the sign-off keeps the specialties of the profile the user object holds,
        # and _qualifications wrote them through another copy of it.
        users = {u.username: u for u in User.objects.filter(pk__in=[u.pk for u in users.values()])}
        moves = (
            ("submit", users["author"], {"comment": "Spanish translation, ready for the board."}),
            ("start_review", users["reviewer2"], {}),
            ("approve", users["reviewer2"], {"checklist": all_confirmed(),
             "note": "Spanish translation of the English text pending review."}),
            ("approve", users["reviewer"], {"checklist": all_confirmed(),
             "note": "Spanish translation of the English text pending review."}),
        )  # fmt: skip
        for name, by, extra in moves:
            translation.refresh_from_db()
            review_services.make_move(
                name, article=translation, by=by,
                seen_revision_id=latest_revision_id(translation), **extra,
            )  # fmt: skip

    def _revise_english(self, article: Article, users: dict[str, User]) -> None:
        """The board asks for one sentence to be clarified; the author revises and resubmits it
        and the editor shows the new text provisionally: Submitted again, as the contract says."""
        old, new = DEMO_REVISION
        if old not in article.body:
            return  # the text was edited since it was imported: nothing of the demo's to revise
        reviewer, author = users["reviewer"], users["author"]
        for name, by, comment in (
            ("start_review", reviewer, ""),
            ("request_changes", reviewer, DEMO_REVISION_REQUEST),
        ):
            article.refresh_from_db()
            review_services.make_move(
                name, article=article, by=by, seen_revision_id=latest_revision_id(article),
                comment=comment,
            )  # fmt: skip
        article.refresh_from_db()
        review_services.edit_article(
            article=article, by=author, seen_revision_id=latest_revision_id(article),
            title=article.title, summary=article.summary, body=article.body.replace(old, new),
            literature_current_through=article.literature_current_through,
            comment="Names the trial in which 86% of patients had the insertion",
        )  # fmt: skip
        for name, by, comment in (
            ("submit", author, "Clarified, as the board asked."),
            ("publish_provisionally", users["editor"], "The clarified text, pending review."),
        ):
            article.refresh_from_db()
            review_services.make_move(
                name, article=article, by=by, seen_revision_id=latest_revision_id(article),
                comment=comment,
            )  # fmt: skip
