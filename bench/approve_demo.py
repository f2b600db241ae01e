"""Take the demo article through review to Approved (for measuring the approved page)."""

from accounts.models import User
from articles.models import Article, ReviewState
from articles.selectors import latest_revision_id
from review import services

article = Article.objects.get(slug="nsclc-her2-exon-20-first-line")
reviewer = User.objects.get(username="reviewer")
if article.state == ReviewState.SUBMITTED:
    services.make_move(
        "start_review", article=article, by=reviewer, seen_revision_id=latest_revision_id(article)
    )
if article.state == ReviewState.UNDER_REVIEW:
    services.make_move(
        "approve", article=article, by=reviewer, seen_revision_id=latest_revision_id(article)
    )
print(f"{article.slug}: {Article.objects.get(pk=article.pk).get_state_display()}")
