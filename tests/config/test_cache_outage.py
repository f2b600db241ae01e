"""With Redis down (its errors ignored, see config.settings.base.cache_config), readers may still
ask a follow-up question: the rate limit fails open rather than refusing everyone."""

from config.settings.base import cache_config
from questions.models import Question
from tests.questions.conftest import form_data


def test_with_the_cache_down_a_question_is_still_accepted(client, settings, public_article):
    settings.CACHES = {"default": cache_config("redis://127.0.0.1:6390/0")}
    response = client.post(f"/articles/{public_article.slug}/questions/", form_data())
    assert response.status_code == 303  # see other: the thank-you page
    assert Question.objects.count() == 1
