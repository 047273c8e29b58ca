def test_the_login_page_is_served_in_chinese(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert 'lang="zh-hans"' in response.content.decode()
