"""The intake's rate limit (django-ratelimit, in the shared cache), and its proxy handling."""

from django.test import RequestFactory

from questions.client_address import forwarded_client_ip
from questions.models import Question
from tests.questions.conftest import form_data


def test_after_the_limit_the_reader_gets_a_readable_429(client, article, ask, settings):
    settings.VETTED_QUESTION_RATE = "3/h"
    for n in range(3):
        assert ask(client, article, question=f"Question number {n} here?").status_code == 303
    response = ask(client, article, question="One question too many, kept?")
    html = response.content.decode()
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600 + 5
    assert "Please wait before sending another question" in html and "not sent" in html
    assert "One question too many, kept?" in html  # the reader can copy it
    assert "911" in html
    assert Question.objects.count() == 3


def test_bots_count_towards_the_limit(client, article, ask, settings):
    settings.VETTED_QUESTION_RATE = "2/h"
    ask(client, article, website="spam")
    ask(client, article, website="spam")
    assert ask(client, article).status_code == 429


def test_a_form_sent_back_with_a_mistake_does_not_count(client, article, ask, settings):
    settings.VETTED_QUESTION_RATE = "1/h"
    for _ in range(3):
        assert ask(client, article, question="short").status_code == 400
    assert ask(client, article).status_code == 303


def _article_page_post(client, article, text):
    data = form_data(question=text)
    del data["started"]  # the article page's form has no timestamp
    return client.post(f"/articles/{article.slug}/questions/", data)


def test_the_limit_counts_questions_not_the_check_step(client, article, settings):
    settings.VETTED_QUESTION_RATE = "2/h"
    settings.VETTED_QUESTION_MIN_SECONDS = 0
    for n in range(2):
        text = f"Question number {n}, sent through the check page?"
        check = _article_page_post(client, article, text)
        assert check.status_code == 200
        started = check.content.decode().split('name="started" value="')[1].split('"')[0]
        sent = client.post(
            f"/articles/{article.slug}/questions/", {**form_data(question=text), "started": started}
        )
        assert sent.status_code == 303
    assert Question.objects.count() == 2
    # A reader already at the limit is told so at once, before the check page.
    limited = _article_page_post(client, article, "A third one, kept for later?")
    assert limited.status_code == 429
    assert "A third one, kept for later?" in limited.content.decode()


def test_the_limit_is_per_client_address(client, article, ask, settings):
    settings.VETTED_QUESTION_RATE = "1/h"
    assert ask(client, article).status_code == 303
    assert ask(client, article).status_code == 429
    other = client.__class__(REMOTE_ADDR="203.0.113.9")
    assert ask(other, article).status_code == 303


def test_reading_the_form_is_not_limited(client, article, ask, settings):
    settings.VETTED_QUESTION_RATE = "1/h"
    ask(client, article)
    assert client.get(f"/articles/{article.slug}/questions/").status_code == 200


def test_forwarded_for_is_ignored_unless_proxies_are_trusted(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7"
    )
    assert forwarded_client_ip(request) == "10.0.0.2"
    settings.VETTED_TRUSTED_PROXY_COUNT = 1
    assert forwarded_client_ip(request) == "198.51.100.7"  # what our proxy saw; 6.6.6.6 is forged
    settings.VETTED_TRUSTED_PROXY_COUNT = 3  # fewer hops than proxies: not trustworthy
    assert forwarded_client_ip(request) == "10.0.0.2"


def test_the_proxy_aware_address_can_drive_the_limit(client, article, ask, settings):
    settings.VETTED_QUESTION_RATE = "1/h"
    settings.VETTED_TRUSTED_PROXY_COUNT = 1
    settings.RATELIMIT_IP_META_KEY = "questions.client_address.forwarded_client_ip"
    first = client.__class__(HTTP_X_FORWARDED_FOR="198.51.100.7")
    second = client.__class__(HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert ask(first, article).status_code == 303
    assert ask(second, article).status_code == 303  # same proxy address, different clients
    assert ask(first, article).status_code == 429


def test_an_urgent_question_turned_away_by_the_limit_still_gets_the_emergency_advice(
    client, article, ask, settings
):
    settings.VETTED_QUESTION_RATE = "1/h"
    ask(client, article)
    response = ask(client, article, question="He took too many pills, what do I do?")
    html = response.content.decode()
    assert response.status_code == 429
    assert "may need urgent care" in html and "988" in html
