import factory

from accounts.models import User
from review.checklist import ITEMS, all_confirmed


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


# The board's checklist as a reviewer who confirmed every item answers it: for the service
# (make_move's `checklist`) and for the approve form's fields.
SIGNED_CHECKLIST = all_confirmed()
CHECKLIST_FIELDS = {f"check-{item.key}": "confirmed" for item in ITEMS}
