"""Amazon Cognito: the workspace's accounts, sign-in (USER_PASSWORD_AUTH) and session tokens.

Tokens are RS256 JWTs signed by the pool; they are checked here against the pool's published
keys (JWKS), issuer, audience (the workspace's app client) and expiry, so no request depends on
API Gateway's authorizer (which `chalice local` does not run).
"""
from __future__ import annotations

import jwt
from botocore.exceptions import ParamValidationError

from chalicelib.domain.access import User
from chalicelib.services.ports import AccountRefusedError, InvalidTokenError, LoginFailedError
from chalicelib.settings import UserPool


class CognitoIdentity:
    def __init__(self, client, pool: UserPool) -> None:
        self._client = client
        self._pool = pool
        self._keys = jwt.PyJWKClient(pool.jwks_url, cache_keys=True, lifespan=3600)

    def login(self, username: str, password: str) -> str:
        try:
            result = self._client.initiate_auth(
                ClientId=self._pool.client_id, AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": username, "PASSWORD": password})
        except (self._client.exceptions.NotAuthorizedException, self._client.exceptions.UserNotFoundException,
                self._client.exceptions.InvalidParameterException) as error:
            raise LoginFailedError(username) from error
        if "AuthenticationResult" not in result:  # a challenge (new password required...): not offered here
            raise LoginFailedError(f"{username}: {result.get('ChallengeName')}")
        return result["AuthenticationResult"]["IdToken"]

    def verify(self, token: str) -> User:
        try:
            key = self._keys.get_signing_key_from_jwt(token)
            claims = jwt.decode(token, key.key, algorithms=["RS256"], audience=self._pool.client_id,
                                issuer=self._pool.issuer, options={"require": ["exp", "iss", "aud"]})
        except jwt.PyJWTError as error:
            raise InvalidTokenError(str(error)) from error
        if claims.get("token_use") != "id":
            raise InvalidTokenError("not an ID token")
        return User(claims.get("cognito:username") or claims["sub"], frozenset(claims.get("cognito:groups", [])))

    def usernames(self) -> list[str]:
        pages = self._client.get_paginator("list_users").paginate(UserPoolId=self._pool.pool_id)
        return sorted(user["Username"] for page in pages for user in page["Users"])

    def create_user(self, username: str, password: str, group: str) -> None:
        """The account, its password and its group, or no account at all."""
        pool, errors = self._pool.pool_id, self._client.exceptions
        try:
            self._client.admin_create_user(UserPoolId=pool, Username=username, MessageAction="SUPPRESS")
        except errors.UsernameExistsException:
            raise AccountRefusedError(f"nama pengguna {username} sudah dipakai") from None
        except (errors.InvalidParameterException, ParamValidationError):  # the latter: botocore's own checks
            raise AccountRefusedError("nama pengguna tidak sah") from None
        try:
            self._client.admin_set_user_password(UserPoolId=pool, Username=username, Password=password, Permanent=True)
            self._client.admin_add_user_to_group(UserPoolId=pool, Username=username, GroupName=group)
        except (errors.InvalidPasswordException, errors.InvalidParameterException, ParamValidationError):
            self._client.admin_delete_user(UserPoolId=pool, Username=username)
            raise AccountRefusedError(
                "kata sandi harus paling sedikit 12 karakter, dengan huruf besar, huruf kecil dan angka") from None
