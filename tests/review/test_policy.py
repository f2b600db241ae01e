"""The sign-off policy an article follows: the strictest of its topics' rows, else the site's."""

import pytest
from django.db import IntegrityError, transaction

from articles.models import Topic
from review.models import SignOffPolicy
from review.policy import Policy, policy_for


def topic(name: str) -> Topic:
    return Topic.objects.create(name=name, slug=name.lower())


def test_an_article_without_policies_needs_one_approval(make_article):
    assert policy_for(make_article()) == Policy()


def test_the_site_default_row_governs_topics_without_a_row(make_article):
    SignOffPolicy.objects.create(topic=None, approvals_required=2, review_days=7)
    article = make_article()
    article.topics.add(topic("Cardiology"))
    policy = policy_for(article)
    assert (policy.approvals_required, policy.review_days, policy.topics) == (2, 7, ())


def test_the_strictest_of_the_topics_rows_wins(make_article):
    SignOffPolicy.objects.create(topic=None, approvals_required=3)
    oncology, lung = topic("Oncology"), topic("Lung")
    SignOffPolicy.objects.create(
        topic=oncology, approvals_required=2, specialty_required="oncology", review_days=10
    )
    SignOffPolicy.objects.create(
        topic=lung, specialty_required="pulmonology", outside_advice_required=True, review_days=5
    )
    article = make_article()
    article.topics.add(oncology, lung)
    policy = policy_for(article)
    # The topics' own rows replace the default; among them, every requirement any sets.
    assert policy == Policy(
        approvals_required=2,
        specialties_required=("oncology", "pulmonology"),
        outside_advice_required=True,
        review_days=5,
        topics=("Lung", "Oncology"),
        topic_names=("Lung", "Oncology"),  # as an English page names them
    )


def test_one_site_default_only(db):
    SignOffPolicy.objects.create(topic=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        SignOffPolicy.objects.create(topic=None)


def test_a_policy_needs_at_least_one_approval(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        SignOffPolicy.objects.create(topic=None, approvals_required=0)
