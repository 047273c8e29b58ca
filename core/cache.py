"""Django's Redis cache backend, keeping one ``redis.Redis`` client per connection pool.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` object for every cache
operation, and each builds its table of about two hundred response callbacks; a signed-in
page makes 7–10 cache operations (permissions, role, generations, counts, fragments, the
session), so that was a tenth of its CPU time (docs/performance.md). A ``redis.Redis``
client is safe to share between threads (each command takes a connection from the pool,
which also notices a fork), so one per pool does. The settings use this backend wherever
``CACHE_URL`` names Django's Redis one.
"""

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(index)
        if client is None:
            client = clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
