"""The shared includes and form templates other apps render through."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django import forms
from django.core.paginator import Paginator
from django.template import Context, RequestContext, Template
from django.test import RequestFactory
from django.utils import translation

from copyguard.front.forms import VerifyCertificateForm

PAGINATION = Template('{% include "front/includes/pagination.html" with page_obj=page_obj %}')


def render_pagination(query: str, page: int) -> str:
    request = RequestFactory().get("/accounts/audit/?" + query)
    page_obj = Paginator(list(range(100)), 10).page(page)
    with translation.override("en"):
        return PAGINATION.render(RequestContext(request, {"page_obj": page_obj}))


def link(html: str, rel: str) -> dict[str, list[str]]:
    start = html.index(f'rel="{rel}"')
    href_start = html.rindex('href="', 0, start) + len('href="')
    href = html[href_start : html.index('"', href_start)].replace("&amp;", "&")
    return parse_qs(urlsplit(href).query)


def test_pagination_keeps_the_other_query_parameters():
    html = render_pagination("action=accounts.signup&actor=a%40b.test&page=3", 3)
    assert link(html, "next") == {
        "action": ["accounts.signup"],
        "actor": ["a@b.test"],
        "page": ["4"],
    }
    assert link(html, "prev")["page"] == ["2"]
    assert link(html, "first")["page"] == ["1"]
    assert link(html, "last")["page"] == ["10"]
    assert link(html, "prev")["action"] == ["accounts.signup"]
    assert "Page 3 of 10" in html


def test_pagination_leaves_out_links_that_go_nowhere():
    first = render_pagination("", 1)
    assert 'rel="prev"' not in first
    assert 'rel="next"' in first
    last = render_pagination("page=10", 10)
    assert 'rel="next"' not in last


def test_pagination_is_silent_for_a_single_page():
    request = RequestFactory().get("/")
    page_obj = Paginator([1, 2], 10).page(1)
    assert PAGINATION.render(RequestContext(request, {"page_obj": page_obj})).strip() == ""


def test_a_field_with_an_error_is_described_by_it():
    form = VerifyCertificateForm({"number": "nope"})
    with translation.override("en"):
        html = str(form)
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_number_helptext id_number_error"' in html
    assert 'id="id_number_error"' in html
    assert 'id="id_number_helptext"' in html
    assert '<label for="id_number">' in html
    assert 'class="form-errors" role="alert"' in html


class _Example(forms.Form):
    name = forms.CharField(label="Name")
    note = forms.CharField(label="Note", required=False)
    agree = forms.BooleanField(label="I agree", required=False)
    colour = forms.ChoiceField(
        label="Colour", choices=[("r", "red"), ("g", "green")], widget=forms.RadioSelect
    )

    def clean(self):  # type: ignore[no-untyped-def]
        raise forms.ValidationError("The whole form is wrong.")


def test_optional_fields_say_so_and_choices_are_grouped():
    with translation.override("en"):
        html = str(_Example())
    assert 'Note <span class="optional">(optional)</span>' in html
    assert html.count("(optional)") == 1
    assert "<legend>Colour</legend>" in html
    assert '<div class="checkbox"><input type="checkbox" name="agree"' in html


def test_errors_of_the_whole_form_are_shown_on_top():
    form = _Example({"name": "x", "colour": "r"})
    with translation.override("en"):
        html = str(form)
    assert html.index("The whole form is wrong.") < html.index('name="name"')


@pytest.mark.django_db
def test_the_empty_state_tag_renders_a_message():
    html = Template('{% load copyguard %}{% empty_state "Nothing yet." "Add one." %}').render(
        Context()
    )
    assert '<div class="empty"><p>Nothing yet.</p><p class="muted">Add one.</p></div>' in html


def test_dotted_names_may_wrap_after_each_dot_and_stay_escaped():
    html = Template("{% load copyguard %}{{ name|wrap_dots }}").render(
        Context({"name": "accounts.membership.<b>add</b>"})
    )
    assert html == "accounts.<wbr>membership.<wbr>&lt;b&gt;add&lt;/b&gt;"
