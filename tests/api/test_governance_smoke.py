from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.support import DossierWorld


def soon(days: int = 3) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat()


def test_smoke(world: DossierWorld) -> None:
    lead = world.client("lead")
    r = lead.post(world.url("/polls"), {"closes_at": soon(), "secret": False, "adopt_on_close": True})
    assert r.status_code == 201, r.get_json()
    pid = r.get_json()["id"]
    a, b = world.action_ids
    for who in ("lead", "partner", "beneficiary"):
        r = world.client(who).put(world.url(f"/polls/{pid}/ballot"), {"ranking": [[b], [a]]})
        assert r.status_code == 200, r.get_json()
    r = lead.post(world.url(f"/polls/{pid}/close"))
    assert r.status_code == 200, r.get_json()
    print(r.get_json()["result"])
    assert r.get_json()["result"]["order"] == [b, a]
    r = lead.get(world.url("/register"))
    print(r.get_json())
    r = lead.post(world.url("/decisions"), {"title": "Budget", "text": "On dépense 10", "rule": "consentement",
                                              "quorum_percent": 50, "closes_at": soon(), "about_text": True})
    assert r.status_code == 201, r.get_json()
    did = r.get_json()["id"]
    r = world.client("partner").put(world.url(f"/decisions/{did}/vote"), {"choice": "objection", "reason": "trop cher"})
    assert r.status_code == 200, r.get_json()
    r = lead.post(world.url(f"/decisions/{did}/amend"), {"text": "On dépense 5", "note": "moins cher"})
    assert r.status_code == 200, r.get_json()
    r = world.client("partner").put(world.url(f"/decisions/{did}/objection"), {"maintained": False})
    assert r.status_code == 200, r.get_json()
    r = world.client("beneficiary").put(world.url(f"/decisions/{did}/vote"), {"choice": "pour"})
    r = lead.post(world.url(f"/decisions/{did}/close"))
    assert r.status_code == 200, r.get_json()
    print(r.get_json())
    assert r.get_json()["adopted"] is True
    r = lead.post(world.url(f"/decisions/{did}/statement"), {"statement": "Adopté, merci"})
    assert r.status_code == 200, r.get_json()
    r = lead.get(world.url("/lifecycle"))
    print(r.get_json())
    r = lead.post(world.url("/freeze"), {"closes_at": soon()})
    assert r.status_code == 200, r.get_json()
    r = lead.post(world.url("/submit"))
    print(r.get_json())
    assert r.status_code == 409
    print(lead.get(world.url("/register/verify")).get_json())
