"""The public API for plugins: import from here and nowhere else in the core (docs/plugins.md).

Declarations (what a plugin describes as data), the snapshots hooks receive, the
event names, the read-only directory, and the building blocks a plugin's own
pages use: authorization decorators, the database session of the request, the
order operations, person search and the server-side draft.
"""
import pluggy

from .catalogue import (ALL_KINDS, AVSLUT, FORANDRING, NYUPPLAGG, AttestStep, CatalogItem, Catalogue, Choice,
                        ChoiceGroup, Field, FieldOptions, FulfilmentResult, WizardPage)
from .messages import N_
from .models import SCOPE_AREA as DELEGATION_AREA
from .models import SCOPE_UNIT as DELEGATION_UNIT
from .models import Base
from .services.demo_samples import DemoKostnadsstalle, DemoSample, DemoSamples, DemoUnitDelegation
from .services.directory_api import (DelegationInfo, Directory, EngagementInfo, ForvaltningInfo,
                                     HeldPermissionInfo, KostnadsstalleInfo, PendingLineInfo, PersonInfo, UnitInfo)
from .services.events import (ALL_EVENTS, LINE_FULFILLED, LINE_FULFILMENT_FAILED, ORDER_APPROVED,
                              ORDER_ATTESTANT_CHANGED, ORDER_COMPLETED, ORDER_CREATED, ORDER_KOMPLETTERING_ANSWERED,
                              ORDER_KOMPLETTERING_REQUESTED, ORDER_LINES_REMOVED, ORDER_REJECTED,
                              ORDER_STEP_APPROVED, ORDER_WITHDRAWN)
from .services.keyset import KeysetList, Range, keyset_page
from .services.order_info import LineInfo, OrderContext, OrderInfo
from .services.paging import Page, PageRequest
from .iso_dates import latest_start, parse_date
from .log_masking import mask_text as mask_personnummer_text
from .rate_limits import count_person_searches, person_search
from .views.messages import message_text
from .services.ordering import START_TOO_LATE
from .services.person_suggest import PersonSuggestion
from .web import (Conflict, DateField, Forbidden, IdField, IdListField, InputForm, LineInput, NotFound,
                  OrderRequest, TextAreaField, TextListField, TrimmedStringField, ValidationFailed, create_orders, current_actor, db_session,
                  directory, draft_data, draft_discard, draft_save, draft_sent, draft_start, field_errors, find_person, from_query,
                  may_order, may_order_at, may_order_for, orderable_units, public, requires, runtime, runtime_form,
                  suggest_persons, validate_order, valid_data)

hookimpl = pluggy.HookimplMarker("beh")

EVENTS = ALL_EVENTS

__all__ = [
    "hookimpl",
    # declarations
    "Catalogue", "CatalogItem", "Field", "FieldOptions", "WizardPage", "AttestStep", "Choice", "ChoiceGroup",
    "FulfilmentResult", "DemoSample", "DemoSamples", "DemoKostnadsstalle", "DemoUnitDelegation", "Base",
    "ALL_KINDS", "NYUPPLAGG", "FORANDRING", "AVSLUT", "DELEGATION_AREA", "DELEGATION_UNIT",
    # what hooks receive
    "OrderInfo", "LineInfo", "OrderContext", "Directory", "PersonInfo", "EngagementInfo", "UnitInfo",
    "ForvaltningInfo", "DelegationInfo", "HeldPermissionInfo", "KostnadsstalleInfo", "PendingLineInfo",
    "PersonSuggestion",
    # events
    "EVENTS", "ORDER_CREATED", "ORDER_ATTESTANT_CHANGED", "ORDER_LINES_REMOVED", "ORDER_STEP_APPROVED",
    "ORDER_APPROVED", "ORDER_REJECTED", "ORDER_WITHDRAWN", "ORDER_KOMPLETTERING_REQUESTED",
    "ORDER_KOMPLETTERING_ANSWERED", "ORDER_COMPLETED", "LINE_FULFILLED", "LINE_FULFILMENT_FAILED",
    # building blocks for a plugin's own pages
    "requires", "public", "current_actor", "runtime", "db_session", "directory", "find_person", "may_order",
    "may_order_at", "may_order_for", "suggest_persons", "orderable_units", "OrderRequest", "LineInput",
    "validate_order", "create_orders", "latest_start", "START_TOO_LATE", "parse_date",
    "mask_personnummer_text", "person_search", "count_person_searches", "message_text",
    "draft_start", "draft_data", "draft_save", "draft_discard", "draft_sent",
    "ValidationFailed", "Conflict", "NotFound", "Forbidden",
    # the input layer: every form a plugin's view reads (control characters refused at the field)
    "InputForm", "TrimmedStringField", "TextAreaField", "IdField", "IdListField", "DateField", "TextListField", "field_errors", "from_query",
    "runtime_form", "valid_data",
    # messages with parameters, translated by the pages
    "N_",
    # long lists of your own at constant cost (docs/performance.md)
    "KeysetList", "Range", "keyset_page", "PageRequest", "Page",
]
