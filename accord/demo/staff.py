"""The demo company's own people: a department tree, managers, heads, a director and `admin`.

Users are written through `accord.users.services` (so each gets its audit event and its
roles), with two shortcuts that keep a 200-manager run fast:

- the password is hashed once and the hash given to every demo user: a slow hasher costs
  ~0.25 s per call, a minute for L. All demo users share the published password anyway.
- `user_save(department=...)` only places users in top-level departments, so the department
  of each user is set directly afterwards (see the report on `user_save`).

Demo users are told apart from real ones by their e-mail domain, `DEMO_EMAIL_DOMAIN` (a
reserved `.example` name, so no mail ever leaves): `--reset` deletes only them, and an
existing user that is not a demo user is never changed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password

from accord.demo import people
from accord.users.models import Department, User
from accord.users.services import department_ensure, user_save

DEMO_PASSWORD = "accord-demo"  # noqa: S105 - published on purpose: it is the demo
DEMO_EMAIL_DOMAIN = "demo.accord.example"
HEAD_OFFICE = "Головной офис"
REGIONAL_NETWORK = "Региональная сеть"
# (name, under REGIONAL_NETWORK): S takes the first 3, M the first 6, L all of them.
SALES_DEPARTMENTS: tuple[tuple[str, bool], ...] = (
    ("Отдел продаж Москва", False),
    ("Отдел продаж Санкт-Петербург", False),
    ("Отдел продаж Екатеринбург", False),
    ("Отдел ключевых клиентов", False),
    ("Отдел продаж Казань", False),
    ("Отдел продаж Новосибирск", False),
    ("Отдел продаж Нижний Новгород", True),
    ("Отдел продаж Самара", True),
    ("Отдел продаж Краснодар", True),
    ("Отдел продаж Ростов-на-Дону", True),
    ("Отдел продаж Челябинск", True),
    ("Отдел продаж Уфа", True),
    ("Отдел продаж Пермь", True),
    ("Отдел продаж Воронеж", True),
)
DEPARTMENT_NAMES = frozenset({HEAD_OFFICE, REGIONAL_NETWORK, *(n for n, _r in SALES_DEPARTMENTS)})


@dataclass
class Staff:
    managers: list[User] = field(default_factory=list)
    heads: list[User] = field(default_factory=list)
    others: list[User] = field(default_factory=list)  # admin, director
    kept: list[str] = field(default_factory=list)  # logins of real users left alone

    @property
    def users(self) -> int:
        return len(self.managers) + len(self.heads) + len(self.others)


def is_demo_user(user: User) -> bool:
    return user.email.endswith("@" + DEMO_EMAIL_DOMAIN)


class StaffMaker:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.password = make_password(DEMO_PASSWORD)
        self.logins: set[str] = set()
        self.staff = Staff()

    def build(self, *, managers: int, departments: int) -> Staff:
        """Departments, then `managers` managers spread over them, a head for each."""
        root = department_ensure(HEAD_OFFICE)
        self._admin(root)
        self._user("director", ["director"], root, self.staff.others)
        sales = self._departments(root, departments)
        for department in sales:
            self._user("", ["head"], department, self.staff.heads)
        for i in range(managers):
            self._user("", ["manager"], sales[i % len(sales)], self.staff.managers)
        return self.staff

    def _departments(self, root: Department, count: int) -> list[Department]:
        chosen = SALES_DEPARTMENTS[:count]
        regional = None
        if any(under for _n, under in chosen):
            regional = department_ensure(REGIONAL_NETWORK, root)
            self._user("", ["head"], regional, self.staff.heads)
        return [department_ensure(name, regional if under else root) for name, under in chosen]

    def _admin(self, root: Department) -> None:
        who = people.person(self.rng)  # drawn either way: the same seed, the same data
        existing = User.objects.filter(username="admin").first()
        if existing is not None and not is_demo_user(existing):
            self.staff.kept.append("admin")
            return
        self.staff.others.append(self._save("admin", ["admin"], root, who, superuser=True))

    def _user(self, login: str, roles: list[str], department: Department, into: list[User]) -> None:
        who = people.person(self.rng)
        base = login or f"{who.latin_first[0]}.{who.latin_last}"
        login, n = base, 1
        while login in self.logins or self._taken_by_real_user(login):
            n += 1
            login = f"{base}{n}"
        into.append(self._save(login, roles, department, who))

    @staticmethod
    def _taken_by_real_user(login: str) -> bool:
        user = User.objects.filter(username=login).first()
        return user is not None and not is_demo_user(user)

    def _save(
        self,
        login: str,
        roles: list[str],
        department: Department,
        who: people.Person,
        *,
        superuser: bool = False,
    ) -> User:
        self.logins.add(login)
        user = user_save(
            actor=None,
            username=login,
            password=None,
            roles=roles,
            superuser=superuser,
            first_name=who.first,
            last_name=who.last,
            email=f"{login}@{DEMO_EMAIL_DOMAIN}",
            check_password=False,
        )
        User.objects.filter(pk=user.pk).update(department=department, password=self.password)
        user.department, user.password = department, self.password
        return user


def demo_users_delete() -> int:
    """Delete the demo users and the demo departments left empty; answer how many users."""
    _total, by_model = User.objects.filter(email__endswith="@" + DEMO_EMAIL_DOMAIN).delete()
    users = by_model.get(User._meta.label, 0)
    for department in Department.objects.filter(name__in=DEPARTMENT_NAMES).order_by("-path"):
        if not department.users.exists() and not department.children.exists():
            department.delete()
    return users


@dataclass(frozen=True)
class Login:
    username: str
    what: str


def demo_logins() -> list[Login]:
    """Who to sign in as: the administrator, a head and one of the head's managers."""
    demo = User.objects.filter(email__endswith="@" + DEMO_EMAIL_DOMAIN).select_related("department")
    logins: list[Login] = []
    admin = User.objects.filter(username="admin").first()
    if admin is not None and is_demo_user(admin):
        logins.append(Login("admin", "administrator, sees everything"))
    head = (
        demo.filter(roles__code="head")
        .exclude(department__name=REGIONAL_NETWORK)
        .order_by("id")
        .first()
    )
    if head is not None:
        logins.append(Login(head.username, f"head of {head.department}, sees the department"))
        manager = (
            demo.filter(roles__code="manager", department=head.department_id).order_by("id").first()
        )
        if manager is not None:
            logins.append(
                Login(manager.username, f"manager in {manager.department}, sees own clients")
            )
    return logins
