"""Signing in beyond a password (issue 24, items 1 and 2): single sign-on through OpenID
Connect (``oidc``), the second factor (``two_factor``, ``middleware``), the password backend
that honours "local passwords off" (``backends``) and API tokens that expire and that their
owner rotates and revokes (``tokens``). The pages are in ``views``, mounted by ``urls``."""
