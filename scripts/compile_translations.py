"""Compile every plugin's translations (plugins/*/beh_*/translations/**/messages.po -> .mo).

The core's catalogue is made by scripts/translate_en.py; a plugin keeps its .po by hand (its
texts are few) and commits the compiled .mo next to it, as package data.
"""
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    """Compile each .po under plugins/ and tests/plugin_example/ into the .mo beside it."""
    for po in sorted([*ROOT.glob("plugins/*/beh_*/translations/*/LC_MESSAGES/messages.po"),
                      *ROOT.glob("tests/plugin_example/beh_*/translations/*/LC_MESSAGES/messages.po")]):
        with po.open("rb") as source:
            catalog = read_po(source)
        with po.with_suffix(".mo").open("wb") as target:
            write_mo(target, catalog)
        print(f"{po.relative_to(ROOT)}: {len(catalog)} messages")


if __name__ == "__main__":
    main()
