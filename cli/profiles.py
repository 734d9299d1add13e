"""`profiles list|add|edit|delete|use|test`: the Settings tab's profile list on the command line. Keys are
read from a hidden prompt or standard input, never from the arguments."""

from __future__ import annotations

import argparse
import asyncio
import re
from dataclasses import replace
from typing import Any

from cli.connection import DEFAULT_KIND, print_checks, print_verdict, provider_choices
from cli.output import print_json
from cli.parsing import add_actions, add_json_option, add_yes_option
from cli.prompts import confirm, read_key
from core.errors import ConfigError
from core.i18n import tr
from core.profiles import ProfileService
from core.providers.registry import addable
from core.providers.spec import ProfileField
from core.settings import Profile, new_profile
from core.terminal import one_line
from core.urls import split_proxy_password

NUMBERS = {"timeout"}  # fields typed as numbers


def profile_fields() -> dict[str, list[tuple[str, ProfileField]]]:
    """Every field a provider's profile has (the key aside, which is never an option), with the kinds that have
    it: each becomes an option of `profiles add` and `profiles edit` (dashes for underscores)."""
    found: dict[str, list[tuple[str, ProfileField]]] = {}
    for spec in addable():
        for field in spec.fields:
            if field.name != "api_key":
                found.setdefault(field.name, []).append((spec.kind, field))
    return found


def _field_help(entries: list[tuple[str, ProfileField]]) -> str:
    """The field's label (without its shortcut), its hint where every kind shares it, the values each kind takes."""
    hints = {field.help for _, field in entries}
    hint = hints.pop() if len(hints) == 1 else ""
    text = re.sub(r"\(&\w\)|&", "", tr(entries[0][1].label)) + (f" ({tr(hint)})" if hint else "")
    values = [f"{kind}: {', '.join(c.value for c in field.choices)}" for kind, field in entries if field.choices]
    return text + (" – " + "; ".join(values) if values else "")


def _shown(profile: Profile) -> tuple[str, str]:
    if profile.is_sandbox:
        return tr("Sandbox"), tr("(offline, built in)")
    return one_line(profile.name), one_line(profile.base_url)


def _as_json(profile: Profile, active: bool) -> dict[str, Any]:
    """A profile as `profiles list --json` shows it: never a key, and the proxy without its password."""
    fields = {name: getattr(profile, name) for name in profile_fields()}
    return {"id": profile.id, "name": profile.name, "kind": str(profile.kind), "active": active, **fields,
            "proxy": split_proxy_password(profile.proxy)[0]}


def cmd_list(service: ProfileService, args: argparse.Namespace) -> int:
    active = service.settings.active_profile_id
    if args.json:
        print_json([_as_json(p, p.id == active) for p in service.settings.profiles])
        return 0
    for profile in service.settings.profiles:
        name, url = _shown(profile)
        print(f"{'*' if profile.id == active else ' '} {name:<20} {profile.kind!s:<11} {url}")
    return 0


def _changed(profile: Profile, args: argparse.Namespace) -> Profile:
    """``profile`` with the fields the options give; a region given without an address takes the region's."""
    fields = profile_fields()
    changes = {name: getattr(args, name) for name in fields if getattr(args, name, None) is not None}
    stands_for_address = any(c.url for name in changes for _, f in fields[name] for c in f.choices)
    if stands_for_address and args.base_url is None:
        changes["base_url"] = ""  # the profile's rules give the address of the chosen entry (a region's own)
    if getattr(args, "name", None) is not None:
        changes["name"] = args.name
    return replace(profile, **changes)


def _saved(service: ProfileService, profile: Profile, key: str | None) -> int:
    saved = service.save_profile(profile, key)
    print(tr("Saved the profile “{name}” ({url}).").format(name=one_line(saved.name), url=one_line(saved.base_url)))
    if service.settings.active_profile_id == saved.id:
        print(tr("It is the active profile."))
    return 0


def cmd_add(service: ProfileService, args: argparse.Namespace) -> int:
    profile = _changed(new_profile(args.provider, args.profile_name), args)
    key = None if args.no_key else read_key()
    return _saved(service, profile, key or None)


def cmd_edit(service: ProfileService, args: argparse.Namespace) -> int:
    profile = service.find(args.profile_name)
    if profile.is_sandbox:
        raise ConfigError(tr("The Sandbox profile is built in and cannot be changed."), "")
    key = read_key(tr("New API key (hidden; empty removes the key): ")) if args.new_key else None
    return _saved(service, _changed(profile, args), key)


def cmd_delete(service: ProfileService, args: argparse.Namespace) -> int:
    profile = service.find(args.profile_name)
    if profile.is_sandbox:
        raise ConfigError(tr("The Sandbox profile is built in and cannot be deleted."), "")
    question = tr("Delete the profile “{name}”, its key and what this computer keeps for it? [y/N] ")
    if not args.yes and not confirm(question.format(name=one_line(profile.name))):
        print(tr("Nothing was deleted."))
        return 1
    service.delete_profile(profile.id)
    print(tr("Deleted the profile “{name}”.").format(name=one_line(profile.name)))
    return 0


def cmd_use(service: ProfileService, args: argparse.Namespace) -> int:
    profile = service.activate(service.find(args.profile_name).id)
    print(tr("“{name}” is now the active profile.").format(name=_shown(profile)[0]))
    return 0


def cmd_test(service: ProfileService, args: argparse.Namespace) -> int:
    async def run() -> bool:
        profile = service.find(args.profile_name) if args.profile_name else service.settings.active_profile
        base_url, key = await service.endpoint(profile)
        return await print_checks(profile, key, base_url, ad_hoc=False)

    return print_verdict(asyncio.run(run()))


def _add_field_options(parser: argparse.ArgumentParser, adding: bool) -> None:
    if adding:
        parser.add_argument("--provider", choices=provider_choices(), default=DEFAULT_KIND,
                            help=tr("which provider's API the profile speaks (default: compatible, the OpenAI shape)"))
    else:
        parser.add_argument("--name", help=tr("a new name for the profile"))
    for name, entries in profile_fields().items():
        parser.add_argument("--" + name.replace("_", "-"), type=float if name in NUMBERS else str,
                            help=_field_help(entries))


def add_profile_commands(commands: Any) -> None:
    actions = add_actions(commands, "profiles", tr("list, add, change and test connection profiles"))
    listing = actions.add_parser("list", help=tr("show every profile; * marks the active one"))
    add_json_option(listing)
    listing.set_defaults(handler=cmd_list)

    add = actions.add_parser("add", help=tr("add a profile; its key is asked for (or read from standard input)"))
    add.add_argument("profile_name", metavar="NAME")
    _add_field_options(add, adding=True)
    add.add_argument("--no-key", action="store_true", help=tr("do not ask for a key"))
    add.set_defaults(handler=cmd_add)

    edit = actions.add_parser("edit", help=tr("change a profile's settings or key"))
    edit.add_argument("profile_name", metavar="NAME")
    _add_field_options(edit, adding=False)
    edit.add_argument("--new-key", action="store_true",
                      help=tr("ask for a new key (or read it from standard input)"))
    edit.set_defaults(handler=cmd_edit)

    for action, text, handler in (("delete", tr("delete a profile, its key and its local data"), cmd_delete),
                                  ("use", tr("make a profile the active one"), cmd_use)):
        command = actions.add_parser(action, help=text)
        command.add_argument("profile_name", metavar="NAME")
        if action == "delete":
            add_yes_option(command, tr("delete without asking"))
        command.set_defaults(handler=handler)
    test = actions.add_parser("test", help=tr("check each network layer and the key of a profile"))
    test.add_argument("profile_name", metavar="NAME", nargs="?", help=tr("default: the active one"))
    test.set_defaults(handler=cmd_test)
