"""The product's own words for a field's error (liaison.forms.ProductMessages), in Chinese and
English, naming the field — never Django's "确保该变量包含不超过 200 字符" or its sign-in
message "请输入一个正确的用户名和密码。注意，两者都区分大小写。"."""

import pytest
from django import forms
from django.test import Client
from django.urls import reverse
from django.utils import translation

from issues.forms import IssueForm, transition_form
from meetings.forms import MeetingForm
from organisation.models import IndustryChain, IssueCategory

pytestmark = pytest.mark.django_db


def _issue(**extra):
    return {
        "chain": IndustryChain.objects.get(code="software").pk,
        "title": "园区企业用电报装周期长",
        "description": "报装需要两个月以上。",
        "category": IssueCategory.objects.get(code="recruitment").pk,
        **extra,
    }


@pytest.mark.parametrize(
    ("data", "field", "chinese", "english"),
    [
        ({"title": ""}, "title", "请填写标题。", "Title: please fill this in."),
        ({"category": ""}, "category", "请选择类别。", "Category: please choose one."),
        (
            {"title": "长" * 201},
            "title",
            "标题不能超过 200 个字（现有 201 个字）。",
            "Title: at most 200 characters (it has 201).",
        ),
        (
            {"category": "999999"},
            "category",
            "所选的类别无效，请重新选择。",
            "Category: that choice is not valid; please choose again.",
        ),
        (
            {"chain": "999999"},
            "chain",
            "所选的产业链无效，请重新选择。",
            "Industry chain: that choice is not valid; please choose again.",
        ),
    ],
)
def test_the_filing_form_names_the_field(software_officer, data, field, chinese, english):
    for language, message in (("zh-hans", chinese), ("en", english)):
        with translation.override(language):
            form = IssueForm(_issue(**data), user=software_officer)
            assert not form.is_valid()
            assert form.errors[field] == [message]


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


def test_a_transition_form_names_its_fields_and_keeps_its_own_messages():
    form = transition_form("assign", {"assign-due_date": "2026-13-45"})
    assert not form.is_valid()
    assert form.errors["due_date"] == [
        "办理时限不是有效的日期，请按“2026-12-01”的格式填写或从日历中选择。"
    ]
    # The serializer's own message for a missing department stays.
    assert form.errors["department"] == ["请选择承办部门。"]
    returned = transition_form("return", {"return-reason": ""})
    assert not returned.is_valid()
    assert returned.errors["reason"] == ["退回须说明理由。"]


def test_a_remark_in_brackets_is_left_out_of_the_message():
    form = MeetingForm({"kind": "regular", "title": "长" * 201, "time": "25:99"})
    assert not form.is_valid()
    assert form.errors["title"] == ["会议名称不能超过 200 个字（现有 201 个字）。"]
    assert form.errors["time"] == ["时间不是有效的时间，请按“14:30”的格式填写。"]
    assert form.errors["date"] == ["请选择会议日期。"]  # the form's own message stays
    with translation.override("en"):
        english = MeetingForm({"kind": "regular", "title": "长" * 201})
        assert english.errors["title"] == ["Title: at most 200 characters (it has 201)."]


def test_no_django_wording_leaks_into_the_web_forms(client, software_officer):
    client.force_login(software_officer)
    html = client.post(
        reverse("issues:new"), _issue(title="长" * 201, category="")
    ).content.decode()
    for django_words in ("确保该变量", "这个字段是必填项", "该字段是必填项", "选择一个有效的选项"):
        assert django_words not in html
    assert "标题不能超过 200 个字" in html and "请选择类别。" in html


@pytest.mark.parametrize(
    ("language", "message"),
    [("zh-hans", "用户名或密码不正确。"), ("en", "Wrong username or password.")],
)
def test_a_wrong_password_is_told_in_the_products_words(software_officer, language, message):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    response = client.post(reverse("login"), {"username": "zhang", "password": "wrong"})
    html = response.content.decode()
    assert message in html
    assert "区分大小写" not in html and "case-sensitive" not in html


def test_an_empty_sign_in_names_the_fields():
    html = Client().post(reverse("login"), {"username": "", "password": ""}).content.decode()
    assert "请填写用户名。" in html and "请填写密码。" in html


def test_forms_outside_the_products_own_read_naturally_too():
    """The admin and other plain Django forms: locale/zh_Hans overrides Django's own Chinese."""

    class Plain(forms.Form):
        name = forms.CharField(max_length=5)
        kind = forms.ChoiceField(choices=[("a", "甲")])
        day = forms.DateField()

    with translation.override("zh-hans"):
        form = Plain({"name": "长长长长长长", "kind": "x", "day": "明天"})
        assert not form.is_valid()
        assert form.errors["name"] == ["不能超过 5 个字（现有 6 个字）。"]
        assert form.errors["kind"] == ["所选的“x”无效，请重新选择。"]
        assert form.errors["day"] == ["请填写有效的日期，例如“2026-12-01”。"]


def test_the_password_change_in_the_products_words(client, software_officer):
    client.force_login(software_officer)
    html = client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": "Abc-12345678", "new_password2": "Abc-1234567"},
    ).content.decode()
    assert "旧密码不正确，请重新输入。" in html and "你的旧密码" not in html
    empty = client.post(reverse("password_change"), {}).content.decode()
    assert "请填写旧密码。" in empty and "请填写新密码。" in empty
