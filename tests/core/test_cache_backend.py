"""The Redis cache backend (core/cache.py) behaves as Django's and keeps one client per
connection pool instead of building one for every operation."""

import secrets

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache

from core.cache import RedisCache


def test_it_reads_what_djangos_backend_writes_through_one_kept_client(redis_url):
    prefix = f"test-cache-{secrets.token_hex(4)}"
    ours = RedisCache(redis_url, {"KEY_PREFIX": prefix})
    theirs = DjangoRedisCache(redis_url, {"KEY_PREFIX": prefix})
    try:
        theirs.set("count", 110_000, 30)
        assert ours.get("count") == 110_000
        assert ours.add("marker", 1, 30) is True
        assert ours.add("marker", 1, 30) is False
        ours.set_many({"a": [1, 2], "b": "字"}, 30)
        assert theirs.get_many(["a", "b"]) == {"a": [1, 2], "b": "字"}
        assert ours.incr("count") == 110_001
        ours.delete("count")
        assert theirs.get("count") is None
        client = ours._cache.get_client(write=True)
        assert ours._cache.get_client(write=True) is client
        assert theirs._cache.get_client(write=True) is not theirs._cache.get_client(write=True)
    finally:
        ours.delete_many(["count", "marker", "a", "b"])
