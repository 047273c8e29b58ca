def test_the_login_page_is_served_in_chinese(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert 'lang="zh-hans"' in response.content.decode()


def test_the_site_root_sends_visitors_to_the_public_pages_and_officials_to_work(
    client, nanjing_supervisor
):
    assert client.get("/").url == "/public/"
    client.force_login(nanjing_supervisor)
    assert client.get("/").url == "/workspace/"
