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
    "Ja": "Yes",
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
    # Start page, login, error pages, attest, orders and delegation pages.
    "Startsida": "Start page", "Välkommen till Behörighetsbeställningsblanketten": "Welcome to the access ordering form",
    "Lokala och Regionala system": "Local and Regional systems",
    "Här beställs, förändras eller avslutas behörigheter för en användare till vårdssystem och administrativa system som används lokalt och regionalt i regionen.":
        "Here you order, change or end a user's permissions for healthcare and administrative systems used locally "
        "and regionally in the region.",
    "Mina beställningar": "My orders", "Alla beställningar": "All orders",
    "Attestera beställningar": "Approve orders", "Utför attest av beställningar tilldelad dig.":
        "Approve or reject the orders assigned to you.",
    "Service Desk behörigheter": "Service Desk (permissions)",
    "Utför attesterade beställningar, återkoppla inloggningsuppgifter och begär komplettering.":
        "Carry out approved orders, send back login details and request additional information.",
    "Delegeringar": "Delegations", "Ny delegering": "New delegation", "Visa/hantera delegeringar": "Show/manage delegations",
    "Sök befintlig delegering": "Search existing delegation", "Tidigare beställningar": "Previous orders",
    "Se en översikt över de beställningar du gjort.": "See an overview of the orders you have made.",
    "Du har ingen aktiv delegering som beställare eller attestant. Kontakta din verksamhetschef.":
        "You have no active delegation as orderer or approver. Contact your head of unit.",
    "Åtkomst nekad": "Access denied", "Du saknar behörighet för denna sida.": "You do not have access to this page.",
    "Hittades inte": "Not found", "Sidan finns inte.": "The page does not exist.", "Kan inte utföras": "Cannot be done",
    "Formuläret har gått ut": "The form has expired",
    "Sidan var för gammal eller skickades inte från portalen. Ladda om och försök igen.":
        "The page was too old or was not sent from the portal. Reload it and try again.",
    "Logga in": "Log in", "Logga in i Behörighetsbeställning": "Log in to Access ordering",
    "Välj inloggningsalternativ:": "Choose how to log in:", "Med TjänsteId+": "With TjänsteId+",
    "Kontrollera att kortet sitter i <em>innan</em> du loggar in.":
        "Make sure the card is inserted <em>before</em> you log in.",
    "Demoinloggning": "Demo login", "Finns bara i demoläge. Välj en fiktiv identitet.":
        "Only available in demo mode. Choose a fictitious identity.",
    "Demoidentitet": "Demo identity", "Beställare (flera förvaltningar)": "Orderer (several administrations)",
    "Attestant (för Byt attestant)": "Approver (for Change approver)", "Verksamhetschef": "Head of unit",
    "Slutanvändare utan aktivt engagemang": "End user without active engagement", "Administratör": "Administrator",
    "Väntar på Attest": "Awaiting approval", "Attesterad": "Approved", "Under utförande": "In progress",
    "Komplettering begärd": "Additional information requested", "Schemalagd": "Scheduled", "Avslutad": "Completed",
    "Avslagen": "Rejected", "Makulerad": "Withdrawn",
    "Ordernummer": "Order number", "Inga beställningar väntar på din attest.": "No orders are awaiting your approval.",
    "De %(shown)s äldsta av %(num)s beställningar som väntar på din attest. När de är attesterade visas nästa.":
        "The %(shown)s oldest of %(num)s orders awaiting your approval. When they are decided, the next ones are shown.",
    "De %(shown)s äldsta av fler än %(num)s beställningar som väntar på din attest. När de är attesterade visas nästa.":
        "The %(shown)s oldest of more than %(num)s orders awaiting your approval. When they are decided, the next "
        "ones are shown.",
    "Attest av beställning %(number)s": "Approval of order %(number)s", "Beställda behörigheter": "Ordered permissions",
    "Ta bort markerade": "Remove selected", "Kommentar vid avslag": "Comment on rejection",
    "När du klickat på Godkänn eller Avslå måste du <strong>signera</strong> attesten med ditt SITHS-kort (PIN-koden för Underskrift/Signering).":
        "When you have clicked Approve or Reject you must <strong>sign</strong> the approval with your SITHS card "
        "(the PIN code for Signature/Signing).",
    "Godkänn": "Approve", "Avslå": "Reject",
    "Byt attestant %(number)s": "Change approver %(number)s", "Byt attestant för %(number)s": "Change approver for %(number)s",
    "Nuvarande attestant: %(name)s": "Current approver: %(name)s", "Välj": "Choose", "OK": "OK", "Avbryt": "Cancel",
    "Sökalternativ": "Search options", "Slutanvändare (VGR-ID)": "End user (VGR-ID)", "Alla": "All",
    "Beställd från": "Ordered from", "Beställd till": "Ordered to", "Återkopplingsinfo": "Feedback info",
    "Inloggningsuppgifter": "Login details", "Inga beställningar hittades.": "No orders were found.",
    "Byt attestant": "Change approver", "Attestera beställningen": "Approve the order",
    "Återkoppling och inloggningsuppgifter": "Feedback and login details",
    "Utför beställningen (Service Desk)": "Carry out the order (Service Desk)", "Makulera": "Withdraw",
    "Beställningen kan makuleras så länge den inte är attesterad.": "The order can be withdrawn as long as it is not approved.",
    "borttagen vid attest": "removed at approval", "Tillbaka till Tidigare beställningar": "Back to Previous orders",
    "U = uppdrag (vårdmedarbetaruppdrag), gäller en vårdenhet. L/R = lokala och regionala system, gäller en förvaltning och ett område.":
        "U = assignment (care staff assignment), applies to one care unit. L/R = local and regional systems, "
        "applies to one administration and one area.",
    "Aktiv": "Active", "Inaktiv": "Inactive", "borttagen": "removed", "borttagen av %(name)s": "removed by %(name)s",
    "börjar gälla %(date)s": "valid from %(date)s", "Hantera delegeringar": "Manage delegations",
    "Typ av delegering": "Type of delegation", "U - Delegering för Vårdmedarbetaruppdrag": "U - Delegation for care staff assignment",
    "L/R - Delegering för Lokal och Regional behörighet": "L/R - Delegation for local and regional permissions",
    "Förvaltning och område": "Administration and area", "Visa": "Show", "Visa delegeringar": "Show delegations",
    "Sortering - Efternamn": "Sorted by - Last name", "VGR-ID": "VGR-ID", "Enhet": "Unit", "Gäller från": "Valid from",
    "Gäller till": "Valid to", "Roller": "Roles", "Välj %(name)s %(period)s": "Choose %(name)s %(period)s",
    "Inga delegeringar hittades.": "No delegations were found.", "Markerade delegeringar": "Selected delegations",
    "Ange slutdatum från dagens datum": "Set the end date from today's date", "3 månader": "3 months",
    "6 månader": "6 months", "12 månader": "12 months", "Förläng": "Extend", "Ta bort": "Remove",
    "Lägg till användare": "Add users",
    "Skriv in de VGR-id du vill delegera till och klicka på sök. Tips! Välj alla förvaltningar innan sökningen för bredare sökresultat.":
        "Enter the VGR-IDs you want to delegate to and click search. Tip! Choose all administrations before "
        "searching for wider results.",
    "Sök person(er)": "Search person(s)", "Organisation": "Organisation", "Alla förvaltningar": "All administrations",
    "Sökresultat": "Search results", "Välj %(name)s": "Choose %(name)s",
    "Visar de 50 första träffarna. Förfina sökningen.": "Showing the first 50 hits. Refine the search.",
    "Flytta markerade till höger": "Move selected to the right", "Sökningen gav ingen träff.": "The search found nothing.",
    "Valda användare": "Chosen users", "Ta bort %(name)s från listan": "Remove %(name)s from the list",
    "Lägg till": "Add", "Inga användare valda ännu.": "No users chosen yet.",
    "Ny delegering – omfattning": "New delegation – scope",
    "Delegeringen är inte sparad. Rätta uppgifterna nedan.": "The delegation has not been saved. Correct the details below.",
    "Delegera till": "Delegate to",
    "Välj enhet och område som delegeringen ska gälla för, för samtliga användare ovan. Om en användare ska ha delegering till flera enheter måste ny delegering göras per enhet.":
        "Choose the unit and area the delegation applies to, for all the users above. If a user is to have "
        "delegations for several units, a new delegation must be made per unit.",
    "Delegering för": "Delegation for", "U = uppdrag (vårdmedarbetaruppdrag)": "U = assignment (care staff assignment)",
    "Vårdenhet (för U)": "Care unit (for U)", "Välj vårdenhet": "Choose care unit",
    "L/R = lokala och regionala system": "L/R = local and regional systems",
    "Förvaltning och område (för L/R)": "Administration and area (for L/R)",
    "Välj förvaltning och område": "Choose administration and area", "ÅÅÅÅ-MM-DD": "YYYY-MM-DD",
    "ÅÅÅÅ-MM-DD, högst 2 år efter Gäller från": "YYYY-MM-DD, at most 2 years after Valid from",
    "Tillbaka": "Back", "Spara": "Save",
    "Här kan du via VGR-id söka fram en specifik identitets delegeringar, både aktiva och inaktiva, inom dina enheter.":
        "Here you can search by VGR-ID for one identity's delegations, both active and inactive, within your units.",
    "Delegeringar för %(name)s": "Delegations for %(name)s", "Förvaltning/Enhet": "Administration/Unit",
    "Delegerat av": "Delegated by",
    "%(name)s har inga delegeringar inom dina enheter.": "%(name)s has no delegations within your units.",
    # Service Desk queue and order page, Återkoppling, SITHS login and signing, flash messages.
    "Service Desk behörigheter – beställningar att utföra": "Service Desk (permissions) – orders to carry out",
    "System": "System", "Attesterad och Under utförande": "Approved and In progress",
    "Inga beställningar att utföra.": "No orders to carry out.",
    "Ej utförd": "Not done", "Utförs automatiskt": "Done automatically", "Utförd": "Done",
    "Automatiskt utförande misslyckades": "Automatic fulfilment failed",
    "Utför %(number)s": "Carry out %(number)s", "Utför beställning %(number)s": "Carry out order %(number)s",
    "Attestant: %(name)s": "Approver: %(name)s", "Återkoppling": "Feedback",
    "%(time)s av %(name)s": "%(time)s by %(name)s", "automatiskt utförande": "automatic fulfilment",
    "Fel vid automatiskt utförande: %(error)s": "Error in automatic fulfilment: %(error)s",
    "Kompletteringar": "Additional information requests",
    "Svar %(time)s %(name)s: %(answer)s": "Answer %(time)s %(name)s: %(answer)s",
    "Väntar på svar från beställaren.": "Waiting for the orderer's answer.",
    "Begär komplettering": "Request additional information", "Meddelande till beställaren": "Message to the orderer",
    "Historik": "History", "Tid": "Time", "Vem": "Who", "Händelse": "Event", "Systemet": "The system",
    "Beställningen är avslutad.": "The order is completed.", "Tillbaka till kön": "Back to the queue",
    "Beställning skapad": "Order created", "Attestant bytt": "Approver changed",
    "Behörigheter borttagna vid attest": "Permissions removed at approval",
    "Godkänd av attestant": "Approved by the approver", "Avslagen av attestant": "Rejected by the approver",
    "Makulerad av beställaren": "Withdrawn by the orderer",
    "Påminnelse skickad till attestant": "Reminder sent to the approver",
    "Komplettering besvarad av beställaren": "Additional information provided by the orderer",
    "Automatiskt utförande avbrutet (raden eller beställningen är inte längre öppen)":
        "Automatic fulfilment cancelled (the line or the order is no longer open)",
    "Inloggningsuppgifter visade av beställaren": "Login details shown to the orderer",
    "Lösenordsuppgifter borttagna av beställaren": "Password details removed by the orderer",
    "Återkoppling %(number)s": "Feedback %(number)s",
    "Inloggningsuppgifterna visas bara för dig. Lämna dem till användaren och ta sedan bort dem.":
        "The login details are shown only to you. Hand them to the user and then remove them.",
    "Ta bort lösenordsuppgifter": "Remove password details", "Komplettering": "Additional information request",
    "%(time)s Service Desk (%(name)s): %(message)s": "%(time)s Service Desk (%(name)s): %(message)s",
    "Ditt svar %(time)s: %(answer)s": "Your answer %(time)s: %(answer)s",
    "Svar på kompletteringen": "Answer to the additional information request",
    "Skicka komplettering": "Send additional information",
    "Du har loggats ut eftersom SITHS-kortet togs ur kortläsaren.":
        "You have been logged out because the SITHS card was removed from the card reader.",
    "Du har loggats ut eftersom kortläsaren eller BEH:s kortagent slutade svara. Kontrollera kortläsaren och kortagenten och logga in igen.":
        "You have been logged out because the card reader or BEH's card agent stopped responding. Check the card "
        "reader and the card agent and log in again.",
    "Inloggning med kort kräver JavaScript och BEH:s lokala kortagent (beh-siths-agent) på din dator.":
        "Logging in with a card requires JavaScript and BEH's local card agent (beh-siths-agent) on your computer.",
    "Logga in med kortets certifikat": "Log in with the card's certificate",
    "Inloggning med SITHS-kort är inte konfigurerad i denna installation.":
        "Login with a SITHS card is not configured in this installation.",
    "Signering av beställning %(number)s": "Signing of order %(number)s", "Beslut: %(decision)s": "Decision: %(decision)s",
    "Kommentar:": "Comment:",
    "Klicka på Signera beställning för att signera och godkänna med ditt SITHS-kort.":
        "Click Sign order to sign and approve with your SITHS card.",
    "Klicka på Signera beställning för att signera och avslå med ditt SITHS-kort.":
        "Click Sign order to sign and reject with your SITHS card.",
    "Tänk på att använda PIN-koden för Underskrift/Signering.": "Remember to use the PIN code for Signature/Signing.",
    "Exakt det som signeras": "Exactly what is signed", "Signera beställning": "Sign order",
    "Signering kräver JavaScript och BEH:s lokala kortagent (beh-siths-agent) på din dator.":
        "Signing requires JavaScript and BEH's local card agent (beh-siths-agent) on your computer.",
    "Tillbaka till beställningen": "Back to the order",
    "Nu är signeringen klar. Beställningen är godkänd.": "The signing is now complete. The order is approved.",
    "Nu är signeringen klar. Beställningen är avslagen.": "The signing is now complete. The order is rejected.",
    "Signerad med SITHS-kort (HSA-id %(hsa_id)s) %(time)s UTC.":
        "Signed with SITHS card (HSA-id %(hsa_id)s) %(time)s UTC.",
    "Ladda ned signeringskvitto": "Download the signing receipt",
    "(kan kontrolleras av vem som helst med <code>beh-siths verify</code>)":
        "(anyone can check it with <code>beh-siths verify</code>)",
    "Stäng fönster": "Close window", "Till Attestera beställningar": "To Approve orders",
    "Välj en demoidentitet i listan.": "Choose a demo identity in the list.", "Du är utloggad.": "You are logged out.",
    "Delegeringen är sparad för %(count)s användare.": "The delegation has been saved for %(count)s user(s).",
    "%(count)s delegeringar är förlängda till %(date)s.": "%(count)s delegation(s) extended to %(date)s.",
    "%(count)s delegeringar är borttagna och gäller inte längre.":
        "%(count)s delegation(s) removed; they no longer apply.",
    "Markerade behörigheter är borttagna.": "The selected permissions have been removed.",
    "Beställning %(number)s är godkänd.": "Order %(number)s is approved.",
    "Beställning %(number)s väntar inte längre på din attest.": "Order %(number)s no longer awaits your approval.",
    "Beställning %(number)s är avslagen.": "Order %(number)s is rejected.",
    "%(error)s Kontakta Service Desk.": "%(error)s Contact the Service Desk.",
    "Lösenordsuppgifterna är borttagna.": "The password details have been removed.",
    "Välj ett system i listan.": "Choose a system from the list.",
    "Fältet kan inte innehålla ett personnummer. Sök på personnummer i fältet Slutanvändare.":
        "The field cannot contain a personal identity number. Search by personal identity number in the End "
        "user field.",
    "Ett personnummer kan bara sökas i fältet Person.":
        "A personal identity number can only be searched for in the Person field.",
    "Välj en beställning i listan.": "Choose an order form from the list.",
    "Välj en status i listan.": "Choose a status from the list.",
    "Välj en typ i listan.": "Choose a type from the list.",
    "Välj en förvaltning i listan.": "Choose an administration from the list.",
    "Lösenordsuppgifterna är redan borttagna.": "The password details have already been removed.",
    "Beställningen är redan makulerad.": "The order has already been cancelled.",
    "Beställning %(number)s väntar inte längre på attest. Attestanten kan inte bytas.":
        "Order %(number)s is no longer waiting for approval. The approver cannot be changed.",
    "Attestanten har redan bytts till %(name)s, i en annan flik eller av någon annan. Välj på nytt om du vill byta igen.":
        "The approver has already been changed to %(name)s, in another tab or by someone else. Choose again if you "
        "want to change it once more.",
    "Kompletteringen är skickad. Beställning %(number)s är tillbaka hos Service Desk.":
        "The additional information has been sent. Order %(number)s is back with the Service Desk.",
    "Beställning %(number)s är makulerad.": "Order %(number)s is withdrawn.",
    "Attestant för %(number)s är bytt till %(name)s.": "The approver for %(number)s has been changed to %(name)s.",
    "Beställning %(number)s är utförd och avslutad.": "Order %(number)s is done and completed.",
    "Raden är markerad som utförd.": "The line is marked as done.",
    "Skriv %(label)s igen. Av säkerhetsskäl visas det inte på nytt.":
        "Type %(label)s again. For security reasons it is not shown again.",
    "Komplettering är begärd för %(number)s. Beställaren har fått ett e-postmeddelande.":
        "Additional information has been requested for %(number)s. The orderer has been sent an e-mail.",
    # Design system pages (ui-design): error summary, confirmations, Service Desk search, audit labels.
    "Fel:": "Error:", "Det finns fel i formuläret. Rätta följande:": "There are errors in the form. Correct the following:",
    "Dölj": "Hide", "Visa %(label)s": "Show %(label)s", "klart": "done",
    "Beställningar att utföra": "Orders to carry out",
    "Beställningar som väntar på din attest": "Orders awaiting your approval",
    "Tillbaka till Attestera beställningar": "Back to Approve orders",
    "Ta bort markerade behörigheter?": "Remove the selected permissions?",
    "Dessa behörigheter tas bort ur beställningen och kan inte läggas tillbaka:":
        "These permissions are removed from the order and cannot be put back:",
    "Makulera beställning %(number)s?": "Withdraw order %(number)s?", "Makulera beställningen": "Withdraw the order",
    "Beställningen dras tillbaka och attestanten får ett e-postmeddelande. Det går inte att ångra.":
        "The order is withdrawn and the approver is sent an e-mail. This cannot be undone.",
    "Beställningen kan bara makuleras innan den är attesterad.": "The order can only be withdrawn before it is approved.",
    "Ta bort lösenordsuppgifter för %(number)s?": "Remove the password details of %(number)s?",
    "Lösenorden tas bort för alltid och kan inte visas igen. Det gäller:":
        "The passwords are removed for good and cannot be shown again. This concerns:",
    "Det finns inga lösenordsuppgifter att ta bort.": "There are no password details to remove.",
    "Ta bort markerade delegeringar?": "Remove the selected delegations?", "Ta bort 1 delegering?": "Remove 1 delegation?",
    "Ta bort %(count)s delegeringar?": "Remove %(count)s delegations?",
    "Dessa delegeringar slutar gälla i dag och kan inte förlängas efteråt:":
        "These delegations stop applying today and cannot be extended afterwards:",
    "%(name)s, %(where)s, %(start)s – %(end)s": "%(name)s, %(where)s, %(start)s – %(end)s",
    "Välj Förläng eller Ta bort.": "Choose Extend or Remove.",
    "Sök i kön": "Search the queue", "Person": "Person",
    "VGR-ID eller början av namnet, slutanvändare eller beställare": "VGR-ID or the start of the name, end user or orderer",
    "Visa hela kön": "Show the whole queue",
    "Återkoppling till beställaren.": "Feedback to the orderer.",
    "Återkoppling till beställaren. Fält markerade med * måste fyllas i.":
        "Feedback to the orderer. Fields marked with * must be filled in.",
    "Signeringen av attesten godtogs inte": "The signature of the approval was not accepted",
    "Inloggningsuppgifter krypterade med ny nyckel": "Login details encrypted with a new key",
    "Delegering skapad": "Delegation created", "Delegering förlängd": "Delegation extended",
    "Delegering borttagen": "Delegation removed", "Påminnelse om delegering skickad": "Delegation reminder sent",
    "Påminnelse om delegering inte skickad": "Delegation reminder not sent",
    "Katalogen (KiV) importerad": "Directory (KiV) imported", "Behörighet avslutad": "Permission ended",
    "Inloggning": "Login", "Utloggning": "Logout", "Demoregionen skapad": "Demo region created",
    "Listorna är uppdaterade.": "The lists have been updated.",
    "Välj först område och verksamhet. Därefter visas valbara attestanter i listan vid fältet attestant.":
        "First choose area and unit. Then the approvers you can choose appear in the approver list.",
    # --- Catalogues as plugins: the standard wizard for every catalogue, attest steps, order fields ---
    "Ange när användaren behöver sin behörighet (ÅÅÅÅ-MM-DD).": "State when the user needs the permission (YYYY-MM-DD).",
    "Ange när behörigheten ska avslutas (ÅÅÅÅ-MM-DD).": "State when the permission is to end (YYYY-MM-DD).",
    "Användare:": "User:", "Attesteringssteg godkänt": "Approval step approved", "Attesteringssteg:": "Approval step:",
    "Beställningen innehåller inga behörigheter.": "The order contains no permissions.",
    "Beställningen är skapad": "The order has been created", "Det finns inget att välja här.": "There is nothing to choose here.",
    "Enligt formatet: ÅÅÅÅMMDDNNNN": "As YYYYMMDDNNNN", "Granska beställning": "Review the order",
    "Lämna tomt om behörigheten ska gälla tills vidare.": "Leave empty if the permission is to last until further notice.",
    "Nuvarande:": "Current:", "Passnummer:": "Passport number:",
    "Passnumret som det står i KiV, till exempel AB1234567.": "The passport number as it is in KiV, for example AB1234567.",
    "Slutdatum": "End date", "Ta bort %(name)s": "Remove %(name)s",
    "Till exempel SE2321000131-P000000123456.": "For example SE2321000131-P000000123456.",
    "Till exempel eriny1.": "For example eriny1.", "Uppgifter om beställningen": "About the order",
    "Visas inte här:": "Not shown here:", "Vårdenhet:": "Care unit:", "Vårdenhet": "Care unit", "från": "from", "Åtgärd": "Action",
    "Personen finns inte längre som aktiv i katalogen (KiV) och kan inte logga in.":
        "The person is no longer active in the directory (KiV) and cannot log in.",
    "Beställ avslut: %(catalogue)s": "Order termination: %(catalogue)s",
    "Du har ingen beställardelegering i förvaltningen där engagemanget fanns.":
        "You have no orderer delegation in the administration where the engagement was.",
    "Alla sessioner avslutade": "All sessions ended", "Katalogen (KiV) synkad": "Directory (KiV) synchronised",
    "Påminnelse om behörigheter att avsluta skickad": "Reminder about permissions to terminate sent",
    # --- Hardening (issue 8): input guard, rate limits, Avsluta alla sessioner ---
    "Ogiltiga tecken": "Invalid characters",
    "Förfrågan innehöll tecken som inte är tillåtna (till exempel styrtecken). Gå tillbaka, rätta texten och "
    "försök igen.": "The request contained characters that are not allowed (for example control characters). "
                    "Go back, correct the text and try again.",
    "För många försök": "Too many attempts",
    "Du har gjort för många försök på kort tid. Vänta en stund och försök igen.":
        "You have made too many attempts in a short time. Wait a moment and try again.",
    "Avsluta alla sessioner": "End all sessions",
    "Loggar ut personen överallt: varje webbläsare och varje kopia av inloggningen slutar gälla direkt. Använd "
    "till exempel när ett SITHS-kort har kommit bort.":
        "Logs the person out everywhere: every browser and every copy of the login stops working at once. "
        "Use it for example when a SITHS card has been lost.",
    "Logga ut en person överallt, till exempel när ett SITHS-kort har kommit bort.":
        "Log a person out everywhere, for example when a SITHS card has been lost.",
    # --- Directory sync (Katalogsynk) and Att avsluta (issue 14) ---
    "Att avsluta": "To terminate", "Tillbaka till Att avsluta": "Back to To terminate",
    "Behörigheter att avsluta": "Permissions to terminate",
    "Behörigheter som personer som slutat på dina enheter fortfarande har.":
        "Permissions still held by people who have left your units.",
    "Det finns inga behörigheter att avsluta.": "There are no permissions to terminate.",
    "Personer vars engagemang på dina enheter har upphört men som fortfarande har behörigheter knutna till "
    "engagemanget. Beställ Avslut för behörigheterna.":
        "People whose engagement at your units has ended but who still hold permissions tied to it. "
        "Order Termination of the permissions.",
    "Engagemanget gällde": "Engagement period", "Engagemanget upphörde": "Engagement ended",
    "Status i KiV": "Status in KiV", "Finns inte längre i KiV": "No longer in KiV",
    "finns inte längre i KiV": "no longer in KiV", "Namn": "Name",
    "Katalogsynk": "Directory sync", "Tillbaka till Katalogsynk": "Back to Directory sync",
    "Körningar av katalogsynken från KiV (LDAP), senaste först.": "Runs of the directory sync from KiV (LDAP), newest first.",
    "Körningar av katalogsynken från KiV.": "Runs of the directory sync from KiV.",
    "Katalogsynken har inte körts.": "The directory sync has not run yet.",
    "Körning": "Run", "Startad": "Started", "Klar": "Done", "Ändringar": "Changes", "Antal": "Counts",
    "Meddelande": "Message", "Post": "Entry", "Fel": "Error", "Överhoppade poster": "Skipped entries",
    "Inga överhoppade poster.": "No skipped entries.", "Inga ändringar.": "No changes.",
    "Visar de första %(shown)s.": "Showing the first %(shown)s.",
    "Full avstämning": "Full reconciliation", "Ändringar sedan förra körningen": "Changes since the last run",
    "Pågår": "Running", "Misslyckades": "Failed", "Stoppad: kräver --confirm": "Stopped: needs --confirm",
    "Lästa enheter": "Units read", "Lästa kostnadsställen": "Cost centres read", "Lästa personer": "Persons read",
    "Nya förvaltningar": "New administrations", "Nya områden": "New areas", "Nya enheter": "New units",
    "Ändrade enheter": "Changed units", "Enheter som saknas i LDAP (behålls)": "Units missing from LDAP (kept)",
    "Nya personer": "New persons", "Ändrade personer": "Changed persons",
    "Återaktiverade personer": "Reactivated persons", "Inaktiverade personer": "Deactivated persons",
    "Skulle inaktiveras": "Would be deactivated", "Nya engagemang": "New engagements",
    "Ändrade engagemang": "Changed engagements", "Avslutade engagemang": "Ended engagements",
    "Ändrade verksamhetschefer": "Changed heads of unit", "Nya kostnadsställen": "New cost centres",
    "Ändrade kostnadsställen": "Changed cost centres", "Inaktiverade kostnadsställen": "Deactivated cost centres",
    "Användaren har inget aktivt eller kommande engagemang i KiV.":
        "The user has no active or coming engagement in KiV.",
    "Användaren har inget aktivt engagemang i KiV.": "The user has no active engagement in KiV.",
    # The input layer (beh_core/views/forms.py)
    "Texten innehåller tecken som inte är tillåtna (till exempel styrtecken). Ta bort dem och försök igen.":
        "The text contains characters that are not allowed (such as control characters). Remove them and try again.",
    "Ogiltigt val. Välj i listan.": "Invalid choice. Choose from the list.",
    "Ange datum som ÅÅÅÅ-MM-DD.": "Enter the date as YYYY-MM-DD.",
    "Beställd till kan inte vara tidigare än Beställd från.": "Ordered to cannot be earlier than Ordered from.",
    "Texten får vara högst %(max)s tecken.": "The text may be at most %(max)s characters.",

    # --- Issue 11 (manual 004): TJÄNSTER, MIN DATA, Arbetsuppgifter, suggestions while typing -----------
    "Huvudmeny": "Main menu", "Tjänster": "Services", "Min data": "My data", "Mina identiteter": "My identities",
    "Arbetsuppgifter": "Tasks", "Du har inga arbetsuppgifter just nu.": "You have no tasks right now.",
    "Att attestera": "To approve", "Komplettering begärd av dig": "Additional information requested from you",
    "Att utföra för Service Desk": "To carry out for the Service Desk", "Visa alla": "Show all",
    "Alla tjänster": "All services",
    "Alla tjänster du kan beställa i, också de som inte visas här.":
        "Every service you can order in, also those not shown here.",
    "Alla tjänster du har behörighet att beställa i.": "Every service you are allowed to order in.",
    "Du har ingen aktiv delegering som beställare. Kontakta din verksamhetschef.":
        "You have no active delegation as orderer. Contact your head of unit.",
    "Personer du har beställt för och vad de har för behörigheter och tjänster i dag.":
        "People you have ordered for, and the permissions and services they have today.",
    "Sök identitet": "Search identity",
    "Början av eller hela VGR-ID, namn, HSA-id eller personnummer":
        "The start of, or all of, a VGR ID, name, HSA-id or personal identity number",
    "Identitet": "Identity", "HSA-id": "HSA-id", "Personnummer": "Personal identity number",
    "Senast beställt för": "Last ordered for", "Har i dag": "Has today", "Inga": "None",
    "inte längre i KiV": "no longer in KiV", "från %(date)s": "from %(date)s", "till %(date)s": "until %(date)s",
    "Du har inte beställt för någon ännu.": "You have not ordered for anyone yet.",
    "Ingen identitet hittades.": "No identity was found.",
    "Inga förslag.": "No suggestions.",
    "1 förslag. Välj med pil upp och ned och tryck Enter.": "1 suggestion. Choose with arrow up and down and press Enter.",
    "{n} förslag. Välj med pil upp och ned och tryck Enter.":
        "{n} suggestions. Choose with arrow up and down and press Enter.",
    "Vald: {label}": "Chosen: {label}", "Ansvarig: %(name)s": "Responsible: %(name)s",
    "Ingen ansvarig": "Nobody responsible", "Steg att attestera: %(step)s": "Step to approve: %(step)s",
    # --- Order wizard on the design system; messages of the operations as msgids (ui-wizard, issue 12) ---
    "Alternativ": "Option", "Passnummer": "Passport number",
    "Alla system visas inte i listan": "Not every system is in the list", "Fritext (avslut)": "Free text (termination)",
    "Välj förvaltning.": "Choose administration.", "Välj område.": "Choose area.", "Välj verksamhet.": "Choose unit.",
    "Välj uppdrag vid en vårdenhet i taget. En beställning gäller en vårdenhet; beställ för nästa vårdenhet i en "
    "ny beställning.": "Choose assignments at one care unit at a time. An order is for one care unit; order for "
                       "the next care unit in a new order.",
    "Bocka i rutan ovanför för att avsluta det du har skrivit, eller töm fältet.":
        "Tick the box above to end what you have written, or empty the field.",
    "Välj vårdenhet.": "Choose care unit.", "Välj attestant i listan.": "Choose an approver in the list.",
    "Välj %(kind)s.": "Choose %(kind)s.", "Välj %(kinds)s eller %(last)s.": "Choose %(kinds)s or %(last)s.",
    "Välj %(label)s.": "Choose %(label)s.", "Välj %(label)s för %(item)s.": "Choose %(label)s for %(item)s.",
    "Fyll i %(label)s.": "Fill in %(label)s.", "Fyll i %(label)s för %(item)s.": "Fill in %(label)s for %(item)s.",
    "Ange %(label)s.": "Enter %(label)s.", "Ange %(what)s.": "Enter %(what)s.",
    "Ange %(label)s enligt formatet ÅÅÅÅ-MM-DD.": "Enter %(label)s as YYYY-MM-DD.",
    "%(label)s får vara högst %(max)s tecken.": "%(label)s may be at most %(max)s characters.",
    "%(label)s \u201d%(value)s\u201d finns inte för %(item)s. Välj ett av alternativen i listan.":
        "%(label)s \u201c%(value)s\u201d does not exist for %(item)s. Choose one of the options in the list.",
    "%(label)s \u201d%(value)s\u201d finns inte. Välj ett av alternativen i listan.":
        "%(label)s \u201c%(value)s\u201d does not exist. Choose one of the options in the list.",
    "%(label)s ska vara en e-postadress, till exempel fornamn.efternamn@vgregion.se.":
        "%(label)s must be an e-mail address, for example firstname.lastname@vgregion.se.",
    "%(label)s kan bara kryssas i eller lämnas tom.": "%(label)s can only be ticked or left empty.",
    "Ange startdatum.": "Enter the start date.", "Ange startdatum enligt formatet ÅÅÅÅ-MM-DD.": "Enter the start date as YYYY-MM-DD.",
    "Startdatum kan inte vara tidigare än dagens datum.": "The start date cannot be earlier than today.",
    "Slutdatum kan inte anges för denna beställning.": "An end date cannot be given for this order.",
    "Ange slutdatum enligt formatet ÅÅÅÅ-MM-DD.": "Enter the end date as YYYY-MM-DD.",
    "Slutdatum kan inte vara tidigare än startdatum.": "The end date cannot be earlier than the start date.",
    "Beställningen innehåller inga behörigheter. Välj minst en behörighet.":
        "The order contains no permissions. Choose at least one permission.",
    "Beställningen är ofullständig. Börja om från steg 1.": "The order is incomplete. Start again from step 1.",
    "Användaren har inget aktivt engagemang i KiV. Endast Avslut kan väljas.":
        "The user has no active engagement in KiV. Only Termination can be chosen.",
    "En vald behörighet kan inte beställas här. Ta bort den och välj på nytt.":
        "A chosen permission cannot be ordered here. Remove it and choose again.",
    "%(item)s är vald två gånger. Ta bort den ena.": "%(item)s is chosen twice. Remove one of them.",
    "Användaren har redan behörighet till %(item)s. Välj Förändring i stället.":
        "The user already has a permission for %(item)s. Choose Change instead.",
    "%(item)s är redan beställd för användaren och inte klar (%(number)s).":
        "%(item)s is already ordered for the user and not done (%(number)s).",
    "Användaren har ingen aktiv behörighet till %(item)s.": "The user has no active permission for %(item)s.",
    "%(item)s har redan en beställning som inte är klar (%(number)s).":
        "%(item)s already has an order that is not done (%(number)s).",
    "Formuläret innehåller ett fält som inte finns för %(item)s. Ladda om sidan.":
        "The form contains a field that does not exist for %(item)s. Reload the page.",
    "Fritext kan bara anges vid Avslut.": "Free text can only be given at Termination.",
    "Ange i fritext tydligt vilka behörigheter som ska avslutas.":
        "State clearly in free text which permissions are to be terminated.",
    'Använd inte frasen "Alla behörigheter". Ange tydligt vilka behörigheter som ska avslutas.':
        'Do not use the phrase "Alla behörigheter" (all permissions). State clearly which permissions are to be '
        'terminated.',
    "Fritexten får vara högst %(max)s tecken.": "The free text may be at most %(max)s characters.",
    "Du har ingen aktiv delegering som beställare.": "You have no active delegation as orderer.",
    "Du får inte beställa i denna förvaltning.": "You may not order in this administration.",
    "Du har ingen beställardelegering för denna vårdenhet.": "You have no orderer delegation for this care unit.",
    "Du har ingen beställardelegering för detta område.": "You have no orderer delegation for this area.",
    "Du har ingen beställardelegering för denna verksamhet.": "You have no orderer delegation for this unit.",
    "Akut kan bara väljas när beställningen innehåller ett vård- eller journalsystem, till exempel %(systems)s eller "
    "%(last)s.": "Urgent can only be chosen when the order contains a care or medical records system, for example "
                 "%(systems)s or %(last)s.",
    "Akut kan bara väljas när beställningen innehåller ett vård- eller journalsystem, till exempel %(system)s.":
        "Urgent can only be chosen when the order contains a care or medical records system, for example %(system)s.",
    "Akut kan bara väljas när beställningen innehåller ett vård- eller journalsystem.":
        "Urgent can only be chosen when the order contains a care or medical records system.",
    "Det finns ingen som kan göra %(step)s för denna beställning.": "There is no one who can do %(step)s for this order.",
    "Beställningen är redan skickad. Ditt ordernummer är %(number)s.":
        "The order has already been sent. Your order number is %(number)s.",
    "Användaren har redan behörighet till %(name)s. Den finns under Förändring.":
        "The user already has a permission for %(name)s. It is under Change.",
    "%(name)s är redan beställd för användaren (%(number)s) och inte klar.":
        "%(name)s is already ordered for the user (%(number)s) and not done.",
    "Välj vad du vill söka på.": "Choose what to search by.",
    "Ingen person med detta %(what)s finns i KiV.": "No person with this %(what)s exists in KiV.",
    "Personnumret ska anges med 12 siffror enligt formatet ÅÅÅÅMMDDNNNN.":
        "The personal identity number must have 12 digits, as YYYYMMDDNNNN.",
    "Personnumret innehåller ett datum som inte finns.": "The personal identity number contains a date that does not exist.",
    "Personnumrets kontrollsiffra stämmer inte. Kontrollera numret.":
        "The check digit of the personal identity number is wrong. Check the number.",
    "HSA-id ska ha formatet SE, tio siffror, bindestreck och sedan bokstäver eller siffror, till exempel "
    "SE2321000131-P000000123456.": "An HSA-id has the form SE, ten digits, a hyphen and then letters or digits, "
                                   "for example SE2321000131-P000000123456.",
    # Attest, signing, links
    "Beställningen finns inte.": "The order does not exist.", "Beställningen är redan hanterad.": "The order has already been handled.",
    "Du kan inte attestera denna beställning.": "You cannot approve this order.",
    "Markera de behörigheter som ska tas bort.": "Select the permissions to remove.",
    "De markerade behörigheterna finns inte längre i beställningen. Ladda om sidan.":
        "The selected permissions are no longer in the order. Reload the page.",
    "Minst en behörighet måste finnas kvar. Avslå beställningen i stället.":
        "At least one permission must remain. Reject the order instead.",
    "Ange en kommentar vid avslag.": "Enter a comment when rejecting.",
    "Kommentaren får vara högst %(max)s tecken.": "The comment may be at most %(max)s characters.",
    "Attestant kan bara bytas av beställaren före attest.": "Only the orderer can change the approver, before approval.",
    "Du saknar behörighet för detta.": "You are not allowed to do this.", "Hittades inte.": "Not found.",
    "Du saknar HSA-id i katalogen och kan därför inte signera.":
        "You have no HSA-id in the directory and therefore cannot sign.",
    "Signeringen finns inte. Gå tillbaka till beställningen och försök igen.":
        "The signing does not exist. Go back to the order and try again.",
    "Signeringen är redan använd. Gå tillbaka till beställningen och försök igen.":
        "The signing has already been used. Go back to the order and try again.",
    "Tiden för signeringen har gått ut. Gå tillbaka till beställningen och försök igen.":
        "The time for signing has run out. Go back to the order and try again.",
    "Beställningen har ändrats sedan signeringen öppnades. Försök igen.":
        "The order has changed since the signing was opened. Try again.",
    "Beställning %(number)s finns inte.": "Order %(number)s does not exist.",
    "Beställning %(number)s har ingen signerad attest.": "Order %(number)s has no signed approval.",
    "Beställningen har ändrats av någon annan. Ladda om sidan.": "The order has been changed by someone else. Reload the page.",
    "Länken har gått ut. Logga in och öppna beställningen från startsidan.":
        "The link has expired. Log in and open the order from the start page.",
    "Länken är ogiltig.": "The link is not valid.",
    "Länken gäller bara den person som e-postmeddelandet skickades till.":
        "The link is only valid for the person the e-mail was sent to.",
    # Fulfilment, credentials, leavers
    "Du kan inte utföra denna beställning.": "You cannot carry out this order.",
    "Beställningen väntar på komplettering från beställaren.": "The order is waiting for additional information from the orderer.",
    "Raden finns inte i beställningen.": "The line is not in the order.",
    "%(item)s är redan utförd.": "%(item)s has already been carried out.",
    "%(item)s är redan utförd eller har ändrats av någon annan. Ladda om sidan.":
        "%(item)s has already been carried out or changed by someone else. Reload the page.",
    "%(item)s registrerades samtidigt för användaren av en annan beställning. Ladda om sidan och markera raden som "
    "utförd igen.": "%(item)s was registered for the user at the same time by another order. Reload the page and mark "
                    "the line as done again.",
    "Komplettering är redan begärd.": "Additional information has already been requested.",
    "Att komplettera": "Additional information to provide",
    "Markera alla": "Select all",
    "Du kan inte attestera %(numbers)s. Öppna beställningen för att se varför. Inget är godkänt.":
        "You cannot approve %(numbers)s. Open the order to see why. Nothing has been approved.",
    "Välj en annan attestant än den nuvarande.": "Choose an approver other than the current one.",
    "Ekonomisk attestant": "Financial approver", "Attestant och ekonomisk attestant": "Approver and financial approver",
    "Den här delegeringen slutar gälla i dag och kan inte förlängas efteråt:":
        "This delegation stops applying today and cannot be extended afterwards:",
    "Beställningen har status %(status)s och utförs inte längre.":
        "The order has the status %(status)s and is no longer being carried out.",
    "Skriv vad som behöver kompletteras.": "Write what additional information is needed.",
    "Meddelandet får vara högst %(max)s tecken.": "The message may be at most %(max)s characters.",
    "Bara beställaren kan svara på kompletteringen.": "Only the orderer can answer the request for additional information.",
    "Skriv ditt svar på kompletteringen.": "Write your answer to the request for additional information.",
    "Svaret får vara högst %(max)s tecken.": "The answer may be at most %(max)s characters.",
    "Det finns ingen komplettering att svara på.": "There is no request for additional information to answer.",
    "Bara beställaren kan makulera beställningen.": "Only the orderer can withdraw the order.",
    "Ingen plugin utförde raden.": "No plugin carried out the line.",
    "Bara beställaren kan se inloggningsuppgifterna.": "Only the orderer can see the login details.",
    "Bara beställaren kan ta bort inloggningsuppgifterna.": "Only the orderer can remove the login details.",
    "Inloggningsuppgifterna kan inte läsas med de nycklar som är inställda.":
        "The login details cannot be read with the keys that are configured.",
    "Engagemanget finns inte.": "The engagement does not exist.", "Du ansvarar inte för denna enhet.": "You are not responsible for this unit.",
    # Delegation
    "Endast verksamhetschefer kan delegera.": "Only heads of unit can delegate.",
    "Endast verksamhetschefer kan se delegeringar.": "Only heads of unit can see delegations.",
    "Du kan bara delegera inom de enheter där du är verksamhetschef.":
        "You can only delegate within the units where you are head of unit.",
    "%(unit)s är inte din enhet.": "%(unit)s is not your unit.",
    "Du kan inte delegera L/R i detta område.": "You cannot delegate L/R in this area.",
    "En annan delegering för samma person och omfattning sparades samtidigt. Se Visa/hantera delegeringar och försök "
    "igen.": "Another delegation for the same person and scope was saved at the same time. See Show/manage "
             "delegations and try again.",
    "Ange förnamn, efternamn eller VGR-ID.": "Enter first name, last name or VGR-ID.",
    "Välj vilken vårdenhet delegeringen ska gälla för.": "Choose the care unit the delegation applies to.",
    "%(unit)s är ingen vårdenhet. U kan bara gälla en vårdenhet.": "%(unit)s is not a care unit. U can only apply to a care unit.",
    "Välj förvaltning och område som delegeringen ska gälla för.": "Choose the administration and area the delegation applies to.",
    "Välj U (uppdrag) eller L/R (lokala och regionala system).": "Choose U (assignments) or L/R (local and regional systems).",
    "Gäller från kan inte vara tidigare än dagens datum.": "Valid from cannot be earlier than today.",
    "Gäller från kan ligga högst 12 månader fram i tiden.": "Valid from can be at most 12 months ahead.",
    "Gäller till kan inte vara tidigare än Gäller från.": "Valid to cannot be earlier than Valid from.",
    "En delegering kan gälla högst 2 år. Ange Gäller till senast %(date)s.":
        "A delegation can last at most 2 years. Enter Valid to no later than %(date)s.",
    "%(name)s har redan en delegering här som gäller %(start)s – %(end)s. Förläng eller ta bort den under "
    "Visa/hantera delegeringar.": "%(name)s already has a delegation here valid %(start)s – %(end)s. Extend or "
                                  "remove it under Show/manage delegations.",
    "Lägg till minst en användare att delegera till.": "Add at least one user to delegate to.",
    "Välj Beställare och/eller Attestant.": "Choose Orderer and/or Approver.",
    "Välj förvaltning och område.": "Choose administration and area.", "Ange VGR-ID.": "Enter the VGR-ID.",
    "Ingen person med detta VGR-ID finns i KiV.": "No person with this VGR-ID exists in KiV.",
    "Du kan bara se delegeringar inom dina enheter.": "You can only see delegations within your units.",
    "Markera en eller flera delegeringar.": "Select one or more delegations.",
    "En markerad delegering finns inte.": "A selected delegation does not exist.",
    "Du kan bara hantera delegeringar inom de enheter där du är verksamhetschef.":
        "You can only manage delegations within the units where you are head of unit.",
    "Välj slutdatum från dagens datum: 3, 6 eller 12 månader.": "Choose the end date from today: 3, 6 or 12 months.",
    "Delegeringen för %(name)s har upphört och kan inte förlängas. Gör en ny delegering.":
        "The delegation for %(name)s has ended and cannot be extended. Make a new delegation.",
    "Delegeringen för %(name)s gäller redan till %(end)s, längre än %(new_end)s.":
        "The delegation for %(name)s is already valid to %(end)s, longer than %(new_end)s.",
    "Delegeringen för %(name)s börjar gälla först %(start)s.": "The delegation for %(name)s only starts on %(start)s.",
    "Delegeringen för %(name)s kan inte förlängas till %(new_end)s: %(reason)s":
        "The delegation for %(name)s cannot be extended to %(new_end)s: %(reason)s",
    "Redan inaktiv: %(names)s. Avmarkera dem och försök igen.": "Already inactive: %(names)s. Unselect them and try again.",
    "Ingen verksamhetschef kan hantera delegeringen.": "No head of unit can manage the delegation.",
    # SITHS login (the portal's own messages; the siths package's certificate messages stay Swedish)
    "Inloggning med SITHS-kort är inte konfigurerad i portalen.": "Login with a SITHS card is not set up in the portal.",
    "Ditt HSA-id finns inte i katalogen (KiV). Kontakta din behörighetsadministratör.":
        "Your HSA-id is not in the directory (KiV). Contact your access administrator.",
    "Inget klientcertifikat togs emot. Sätt i kortet och försök igen.":
        "No client certificate was received. Insert the card and try again.",
    "Certifikatkedjan saknas eller kunde inte läsas.": "The certificate chain is missing or could not be read.",
    "Just nu pågår för många inloggningar med kort. Vänta en stund och försök igen.":
        "Too many card logins are in progress right now. Wait a moment and try again.",
    # The signing window and the held values on Förändring
    "Detta sker i ett nytt fönster.": "This happens in a new window.",
    "Signeringen pågår i ett nytt fönster. När den är klar och fönstret är stängt uppdateras denna sida.":
        "Signing is in progress in a new window. When it is done and the window is closed, this page is updated.",
    "Signeringsfönstret är stängt. Inget är signerat.": "The signing window is closed. Nothing has been signed.",
    "Innehas från %(date)s.": "Held from %(date)s.",
    "Du finns inte längre som aktiv i katalogen (KiV) och kan inte logga in. Kontakta din behörighetsadministratör.":
        "You are no longer active in the directory (KiV) and cannot log in. Contact your access administrator.",
    # Lists at constant cost and Sökalternativ (issue 13, branch perf)
    "Namn, VGR-ID, HSA-id eller personnummer": "Name, VGR-ID, HSA-ID or personal identity number",
    "Namn, VGR-ID eller HSA-id": "Name, VGR-ID or HSA-ID", "Beställning": "Order form",
    "Rensa sökningen": "Clear the search", "Första sidan": "First page", "Sista sidan": "Last page",
    "Totalt %(total)s st.": "Total %(total)s.", "Totalt fler än %(total)s st.": "Total more than %(total)s.",
    "Totalt fler än %(total)s st. Sida %(page)s.": "Total more than %(total)s. Page %(page)s.",
    "Totalt fler än %(total)s st. Sista sidan.": "Total more than %(total)s. Last page.",
    "Totalt fler än %(total)s st. Sida %(page)s från slutet.":
        "Total more than %(total)s. Page %(page)s from the end.",
    "Sida %(page)s kan inte visas direkt. Bläddra med Nästa sida, gå till Sista sidan eller begränsa sökningen.":
        "Page %(page)s cannot be shown directly. Use Next page, go to Last page or narrow the search.",
    "Ingen person med detta personnummer finns i KiV.": "No person with this personal identity number is in KiV.",
    "Ange VGR-ID, HSA-id, personnummer eller namn.": "Enter a VGR-ID, HSA-ID, personal identity number or name.",
    "Fler än 500 personer har det namnet. Skriv mer av namnet, till exempel förnamn och efternamn, "
    "eller ange VGR-ID.": "More than 500 persons have that name. Type more of the name, for example first and "
                          "last name, or enter a VGR-ID.",
    # Godkänn markerade: several orders approved at once, with one signature
    "Godkänn flera på en gång": "Approve several at once", "Godkänn markerade": "Approve selected",
    "Markera de beställningar du vill godkänna. Vill du avslå en beställning eller ta bort en rad öppnar du den och attesterar den för sig.":
        "Select the orders you want to approve. To reject an order or remove a line, open it and approve it on its own.",
    "Du signerar alla markerade beställningar med en signering.": "You sign all selected orders with one signature.",
    "Godkänn %(number)s": "Approve %(number)s",
    "Signering av %(num)s beställningar": "Signing of %(num)s orders",
    "Beställningar som signeras": "Orders being signed",
    "Klicka på Signera beställningarna för att signera och godkänna alla med ditt SITHS-kort.":
        "Click Sign the orders to sign and approve all of them with your SITHS card.",
    "Signera beställningarna": "Sign the orders", "Tillbaka till listan": "Back to the list",
    "Markera de beställningar som ska godkännas.": "Select the orders to approve.",
    "Högst %(max)s beställningar kan godkännas på en gång.": "At most %(max)s orders can be approved at once.",
    "Någon av de markerade beställningarna väntar inte längre på din attest. Inget är godkänt. Markera på nytt.":
        "One of the selected orders no longer waits for your approval. Nothing has been approved. Select again.",
    # VMU Flera användare: a list of identifiers checked at once
    "%(value)s är inte ett personnummer, passnummer, HSA-id eller VGR-ID.":
        "%(value)s is not a personal identity number, passport number, HSA-id or VGR-ID.",
    # siths: the package's error texts (translated by the portal), the local agent's answers and siths.js.
    "SITHS-tjänsten svarade med ett fel.": "The SITHS service answered with an error.",
    "Kunde inte nå BEH:s kortagent på din dator. Kontrollera att den är startad.":
        "Could not reach the BEH card agent on your computer. Check that it is running.",
    "Inloggningen kunde inte startas.": "The login could not be started.",
    "Ange din kod för identifiering i kortagenten …": "Enter your identification code in the card agent …",
    "Skickar signaturen …": "Sending the signature …",
    "Okänd inloggningsutmaning. Försök igen.": "Unknown login challenge. Please try again.",
    "Inloggningsutmaningen är för gammal. Försök igen.": "The login challenge is too old. Please try again.",
    "SITHS-kontrollen misslyckades.": "The SITHS check failed.",
    "Certifikatet är ännu inte giltigt.": "The certificate is not yet valid.",
    "Certifikatet är inte utfärdat av en betrodd SITHS-utfärdare.":
        "The certificate is not issued by a trusted SITHS issuer.",
    "Certifikatet får inte användas för detta ändamål.": "The certificate may not be used for this purpose.",
    "Certifikatet är spärrat.": "The certificate is revoked.",
    "Det gick inte att kontrollera om certifikatet är spärrat.":
        "It was not possible to check whether the certificate is revoked.",
    "Inloggningsutmaningen är ogiltig eller för gammal. Försök igen.":
        "The login challenge is invalid or too old. Please try again.",
    "Signaturen är gjord med en annan persons SITHS-kort.": "The signature was made with another person's SITHS card.",
    "Signeringskvittot är ogiltigt eller har ändrats.": "The signing receipt is invalid or has been altered.",
    "Certifikatet är giltigt först från %(time)s UTC.": "The certificate is valid only from %(time)s UTC.",
    "Utfärdarcertifikatet är giltigt först från %(time)s UTC.":
        "The issuer's certificate is valid only from %(time)s UTC.",
    "Certifikatet gick ut %(time)s UTC.": "The certificate expired %(time)s UTC.",
    "Utfärdarcertifikatet gick ut %(time)s UTC.": "The issuer's certificate expired %(time)s UTC.",
    "Certifikatet har en okänd kritisk utökning.": "The certificate has an unknown critical extension.",
    "Ett certifikat i kedjan är inte en utfärdare (CA).": "A certificate in the chain is not an issuer (CA).",
    "Certifikatkedjan är för lång för utfärdaren.": "The certificate chain is too long for the issuer.",
    "Utfärdaren får inte utfärda certifikat.": "The issuer may not issue certificates.",
    "Certifikatet saknar angiven användning.": "The certificate has no stated usage.",
    "Certifikatet är inte ett legitimeringscertifikat.": "The certificate is not an identification certificate.",
    "Certifikatet får inte användas för inloggning.": "The certificate may not be used for login.",
    "Certifikatet är inte ett underskriftscertifikat.": "The certificate is not a signing certificate.",
    "Certifikatet saknar HSA-id.": "The certificate has no HSA-ID.",
    "Certifikatets nyckeltyp stöds inte.": "The certificate's key type is not supported.",
    "Signaturen stämmer inte med innehållet.": "The signature does not match the content.",
    "Det gick inte att kontrollera om certifikatet är spärrat (ingen giltig spärrlista eller OCSP-svar).":
        "It was not possible to check whether the certificate is revoked (no valid revocation list or OCSP "
        "response).",
    "Utfärdarcertifikatet i kedjan är spärrat.": "The issuer's certificate in the chain is revoked.",
    "Förfrågan kommer inte från portalen.": "The request does not come from the portal.",
    "Felaktig begäran till SITHS-tjänsten.": "Invalid request to the SITHS service.",
    "Felaktig data.": "Invalid data.",
    "Felaktig datalängd.": "Invalid data length.",
    "Felaktig begäran.": "Invalid request.",
    "Åtgärden avbröts.": "The action was cancelled.",
    "PIN-koden kunde inte läsas.": "The PIN could not be read.",
    "Ingen kortläsare hittades. Anslut kortläsaren och sätt i SITHS-kortet.":
        "No card reader was found. Connect the card reader and insert the SITHS card.",
    "Flera eller inga kort hittades; ange kortets etikett.": "Several cards or none were found; give the card's label.",
    "Kortet har inte exakt ett certifikat för ändamålet.": "The card does not have exactly one certificate for the purpose.",
    "Fel PIN-kod. Försök igen.": "Wrong PIN. Please try again.",
    "Kortet saknar nyckel till certifikatet.": "The card has no key for the certificate.",
    "SITHS-kortet kunde inte användas.": "The SITHS card could not be used.",
    "Fel PIN-kod.": "Wrong PIN.",
    "PIN-koden är spärrad. Kontakta din SITHS-administratör.": "The PIN is locked. Contact your SITHS administrator.",
    "Ange din PIN-kod för Underskrift/Signering i kortagenten …":
        "Enter your PIN code for Signature/Signing in the card agent …",
    "Certifikatet har gått ut.": "The certificate has expired.",
    "Certifikatkedjan kunde inte läsas.": "The certificate chain could not be read.",
    "Inget SITHS-kort hittades.": "No SITHS card was found.",
    "Inloggningsutmaningen är redan använd.": "The login challenge has already been used.",
    "Loggar in …": "Logging in …",
    "Signaturen är ogiltig.": "The signature is invalid.",
    "Sätt i SITHS-kortet i kortläsaren.": "Insert the SITHS card in the card reader.",
    # Error pages (views/errors.py): every HTTP error in the page's language
    "Felaktig begäran": "Bad request",
    "Portalen kunde inte tolka det som skickades. Gå tillbaka och försök igen.":
        "The portal could not understand what was sent. Go back and try again.",
    "Sidan kan inte öppnas så": "The page cannot be opened this way",
    "Adressen kan inte öppnas på det här sättet. Gå till startsidan och fortsätt därifrån.":
        "This address cannot be opened this way. Go to the start page and continue from there.",
    "För mycket data": "Too much data",
    "Det som skickades är för stort. Dela upp det eller välj en mindre fil.":
        "What was sent is too large. Split it up or choose a smaller file.",
    "För lång adress": "Address too long",
    "Inloggning krävs": "Login required",
    "Delegeringen för %(name)s ändrades av någon annan samtidigt. Ladda om sidan och försök igen.":
        "The delegation for %(name)s was changed by someone else at the same time. Reload the page and try again.",
    "Startdatum kan vara högst ett år fram i tiden.": "The start date can be at most one year ahead.",
    "Användaren har redan behörighet till %(item)s.": "The user already has the permission %(item)s.",
    "Du är inte inloggad längre. Logga in och försök igen.": "You are no longer logged in. Log in and try again.",
    "Adressen är för lång. Gör sökningen kortare och försök igen.":
        "The address is too long. Shorten the search and try again.",
    "Något gick fel": "Something went wrong",
    "Ett oväntat fel inträffade och ingenting sparades. Försök igen om en stund. Om felet finns kvar, kontakta "
    "Service Desk.": "An unexpected error occurred and nothing was saved. Try again in a while. If the error "
                     "remains, contact the Service Desk.",
}

# Messages with a plural form (ngettext): Swedish singular msgid -> (English singular, English plural).
EN_PLURAL = {
    "Du har gjort för många försök på kort tid. Försök igen om %(num)s sekund.":
        ("You have made too many attempts in a short time. Try again in %(num)s second.",
         "You have made too many attempts in a short time. Try again in %(num)s seconds."),
    "Du har gjort för många försök på kort tid. Försök igen om %(num)s minut.":
        ("You have made too many attempts in a short time. Try again in %(num)s minute.",
         "You have made too many attempts in a short time. Try again in %(num)s minutes."),
    "%(num)s beställning är godkänd.": ("%(num)s order has been approved.", "%(num)s orders have been approved."),
    "Sida %(page)s finns inte. Listan har %(num)s sida.":
        ("Page %(page)s does not exist. The list has %(num)s page.",
         "Page %(page)s does not exist. The list has %(num)s pages."),
    "%(num)s delegering är förlängd till %(date)s.":
        ("%(num)s delegation extended to %(date)s.", "%(num)s delegations extended to %(date)s."),
    "%(num)s delegering är borttagen och gäller inte längre.":
        ("%(num)s delegation removed; it no longer applies.", "%(num)s delegations removed; they no longer apply."),
    "%(num)s delegering är fortfarande markerad.":
        ("%(num)s delegation is still selected.", "%(num)s delegations are still selected."),
    "Delegeringen är sparad för %(num)s användare.":
        ("The delegation has been saved for %(num)s user.", "The delegation has been saved for %(num)s users."),
    "Ta bort %(num)s delegering?": ("Remove %(num)s delegation?", "Remove %(num)s delegations?"),
    "%(num)s session för %(vgr_id)s är avslutad.":
        ("%(num)s session of %(vgr_id)s has been ended.", "%(num)s sessions of %(vgr_id)s have been ended."),
    # ui-wizard: the count of ticked choices in a group
    "%(num)s vald": ("%(num)s chosen", "%(num)s chosen"),
    "%(num)s beställning väntar på din attest":
        ("%(num)s order waits for your approval", "%(num)s orders wait for your approval"),
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
                message.flags.discard("fuzzy")  # a fuzzy guess of pybabel update is replaced, not kept
            elif not message.string or message.fuzzy:  # a fuzzy guess is not shown: it is missing
                missing.append(message.id)
        elif message.id:  # a plural message: (singular, plural)
            if message.id[0] in EN_PLURAL:
                message.string = EN_PLURAL[message.id[0]]
                message.flags.discard("fuzzy")
            elif not any(message.string):
                missing.append(message.id[0])
    with open(folder / "messages.po", "wb") as handle:
        write_po(handle, catalog, no_location=True, sort_output=True)
    with open(folder / "messages.mo", "wb") as handle:
        write_mo(handle, catalog)
    if missing:
        print("Untranslated:", *missing, sep="\n  ")


if __name__ == "__main__":
    main()
