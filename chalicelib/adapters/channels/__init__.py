"""Citizen channels: one adapter module per channel, found through this registry.

A channel module exposes a class with the `CitizenChannel` contract (services/ports.py) and a
`from_settings(settings)` constructor. Adding a channel is one module here plus one line below;
modules are imported only when their channel is used, so a function that never talks to X never
imports tweepy.
"""
from __future__ import annotations

import importlib
from functools import lru_cache

from chalicelib.services.ports import CitizenChannel
from chalicelib.settings import Settings

REGISTRY: dict[str, str] = {
    "x": "chalicelib.adapters.channels.x:XChannel",
    "api": "chalicelib.adapters.channels.api:ApiChannel",
    "sms": "chalicelib.adapters.channels.sms:SmsChannel",
    "web": "chalicelib.adapters.channels.web:WebChannel",
    "app": "chalicelib.adapters.channels.app:AppChannel",
}


class UnknownChannelError(KeyError):
    """A channel code the registry does not list."""


class ChannelRegistry:
    """The channels of this deployment, each built on first use from the settings."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._built: dict[str, CitizenChannel] = {}

    def __getitem__(self, code: str) -> CitizenChannel:
        if code not in self._built:
            self._built[code] = _channel_class(code).from_settings(self._settings)
        return self._built[code]


@lru_cache(maxsize=None)
def _channel_class(code: str):
    try:
        module_name, _, class_name = REGISTRY[code].partition(":")
    except KeyError:
        raise UnknownChannelError(code) from None
    return getattr(importlib.import_module(module_name), class_name)
