"""Take the demo article through review to Approved (for measuring the approved page): its
oncology topic needs two sign-offs, which the two demo reviewers give, every item of the
board's checklist confirmed."""

from accounts.models import User
from articles.models import Article, ReviewState
from articles.selectors import latest_revision_id
from review import services
from review.checklist import all_confirmed

article = Article.objects.get(slug="nsclc-her2-exon-20-first-line")
reviewers = [User.objects.get(username=name) for name in ("reviewer", "reviewer2")]
if article.state == ReviewState.SUBMITTED:
    services.make_move(
        "start_review", article=article, by=reviewers[0],
        seen_revision_id=latest_revision_id(article),
    )  # fmt: skip
for reviewer in reviewers:
    article.refresh_from_db()
    if article.state == ReviewState.UNDER_REVIEW:
        services.make_move(
            "approve", article=article, by=reviewer, seen_revision_id=latest_revision_id(article),
            checklist=all_confirmed(),
        )  # fmt: skip
print(f"{article.slug}: {Article.objects.get(pk=article.pk).get_state_display()}")
