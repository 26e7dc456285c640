"""The index results landing page: the user's units and the year's ranking of published results."""

from chiso.units.models import Role
from tests.conftest import make_user


def test_ranking_lists_published_results_and_derived_ones_apart(client, tuyen_quang):
    leader = make_user("lanhdao", tuyen_quang, Role.LEADER)
    client.force_login(leader)
    response = client.get("/scores/", {"framework": "PAPI", "year": 2024})
    assert response.status_code == 200
    ranking = response.context["rows"]
    assert len(ranking) == 61 + 2  # 61 ranked; Tiền Giang and Vĩnh Phúc have no 2024 total
    assert [r["rank"] for r in ranking[:3]] == [1, 2, 3]
    assert ranking[0]["total"] > ranking[1]["total"]
    # Within the leader's scope (the old provinces Tuyên Quang absorbed) the row links to the page.
    linked = {r["name"] for r in ranking if r["url"]}
    assert linked == {"Tỉnh Hà Giang", "Tỉnh Tuyên Quang"}
    derived = {r["name"]: r for r in response.context["derived"]}
    assert derived["Tỉnh Tuyên Quang"]["url"] and derived["Tỉnh Tuyên Quang"]["place"][1] == 60
    assert derived["Tỉnh Phú Thọ"]["total"] is None  # Vĩnh Phúc has no 2024 total: nothing invented
    assert "số liệu quy đổi từ các đơn vị cũ" in response.content.decode()
    assert [item["unit"].name for item in response.context["own"]] == ["Tỉnh Tuyên Quang"]


def test_ranking_of_an_unknown_year_is_404(client, officer):
    client.force_login(officer)
    assert client.get("/scores/", {"year": 1999}).status_code == 404
    assert client.get("/scores/", {"year": "abc"}).status_code == 404


def test_ranking_needs_sign_in(client):
    assert client.get("/scores/").status_code == 302
