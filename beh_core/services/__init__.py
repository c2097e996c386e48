"""Operations (use cases) per area: plain functions taking the session and the acting user."""
