from tests.conftest import ADMIN, log_in


async def test_admin_sees_the_demo_teams_on_the_home_page(client, demo):
    await log_in(client, ADMIN)
    response = await client.get("/")
    assert response.status_code == 200
    assert "Maple County Community Collaborative" in response.text
    assert "Perinatal Leadership Group" in response.text
