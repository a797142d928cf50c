from __future__ import annotations

import factory

from liaison.accounts.models import Agency, RoleGrant, User


class AgencyFactory(factory.django.DjangoModelFactory[Agency]):
    class Meta:
        model = Agency
        django_get_or_create = ("ori_code",)

    name = factory.Sequence(lambda n: f"Test Police Department {n}")
    ori_code = factory.Sequence(lambda n: f"CA{n:07d}")
    state = "CA"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def save_password(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.save()


class RoleGrantFactory(factory.django.DjangoModelFactory[RoleGrant]):
    class Meta:
        model = RoleGrant

    user = factory.SubFactory(UserFactory)
    role = "coordinator"
    agency = factory.SubFactory(AgencyFactory)


def user_with_role(role: str, agency: Agency | None, username: str) -> User:
    user = UserFactory.create(username=username)
    RoleGrant.objects.get_or_create(user=user, role=role, agency=agency)
    return user
