"""Fill the English catalogue from the glossary below and compile it (developers run this after `pybabel update`).

Keeping the translations as data here means `pybabel update` can rewrite the .po
file freely; run `python scripts/translate_en.py` to put the English back.
"""
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

EN = {
    "Behörighetsbeställning": "Access ordering", "Till innehållet": "Skip to content", "Språk": "Language",
    "Inloggad:": "Logged in:", "Logga ut": "Log out",
    "Totalt %(total)s st. Sida %(page)s av %(pages)s.": "Total %(total)s. Page %(page)s of %(pages)s.",
    "Totalt fler än %(total)s st. Sida %(page)s av %(pages)s. Begränsa sökningen för att se alla.":
        "Total more than %(total)s. Page %(page)s of %(pages)s. Narrow the search to see all.",
    "Sidor": "Pages", "Föregående sida": "Previous page", "Nästa sida": "Next page", "Steg": "Steps",
    "1. Personuppgifter": "1. Personal details", "2. Behörigheter": "2. Permissions",
    "3. Granska / Beställ": "3. Review / Order", "Slutanvändare": "End user", "Beställare": "Orderer",
    "Beställd": "Ordered", "Status": "Status", "Typ": "Type", "Förvaltning": "Administration",
    "Projekt": "Project", "Startdatum": "Start date", "Användare": "User", "Namn:": "Name:",
    "Personnummer:": "Personal identity number:", "Beställning av behörighet": "Permission order",
    "Välj förvaltning": "Choose administration", "Förvaltning:": "Administration:",
    "Välj ett alternativ": "Choose an option", "Ångra": "Cancel", "Nästa": "Next",
    "Din beställning är nu skapad.": "Your order has been created.", "Ditt ordernummer är": "Your order number is",
    "Visa beställningen": "Show the order", "Till startsidan": "To the start page", "Behörigheter": "Permissions",
    "Beställningsinformation": "Order information", "Område": "Area", "Verksamhet": "Unit",
    "Attestant": "Approver", "Välj attestant": "Choose approver", "Uppdatera listorna": "Update the lists",
    "Tilläggsinformation": "Additional information", "Akut": "Urgent", "Föregående": "Previous",
    "Skicka beställning": "Send order", "Sök fram användare": "Find the user", "Sök på": "Search by",
    "Personnummer enligt formatet: ÅÅÅÅMMDDNNNN": "Personal identity number as YYYYMMDDNNNN", "Sök": "Search",
    "Sökningen gav följande träff": "The search found", "Förnamn": "First name", "Efternamn": "Last name",
    "Ansvarsnummer": "Responsibility number", "Titel": "Title", "Fortsätt": "Continue",
    "Alternativ:": "Option:", "Behörighet": "Permission", "Uppgifter": "Details",
    "(kan beställas akut)": "(may be ordered urgently)",
    "Avslut av behörigheter som inte finns i listan": "Ending permissions that are not in the list",
    "Klicka här för avslut av behörigheter som inte finns i listan ovanför.":
        "Tick here to end permissions that are not in the list above.",
    "Ange här vilka behörigheter som ska avslutas": "State here which permissions are to be ended",
    "Användaren har inget aktivt engagemang i KiV. Endast valet Avslut kan väljas.":
        "The user has no active engagement in KiV. Only Termination can be chosen.",
    "Nyupplägg": "New", "Förändring": "Change", "Avslut": "Termination", "Lokala system": "Local systems",
    "Regionala system": "Regional systems",
}


def main() -> None:
    """Write the English msgstrs and compile messages.mo."""
    folder = Path(__file__).resolve().parent.parent / "beh_core" / "translations" / "en" / "LC_MESSAGES"
    with open(folder / "messages.po", "rb") as handle:
        catalog = read_po(handle, locale="en")
    missing = []
    for message in catalog:
        if message.id and isinstance(message.id, str):
            if message.id in EN:
                message.string = EN[message.id]
            elif not message.string:
                missing.append(message.id)
    with open(folder / "messages.po", "wb") as handle:
        write_po(handle, catalog, no_location=True, sort_output=True)
    with open(folder / "messages.mo", "wb") as handle:
        write_mo(handle, catalog)
    if missing:
        print("Untranslated:", *missing, sep="\n  ")


if __name__ == "__main__":
    main()
