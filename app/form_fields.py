"""Form fields that several blueprints use, so no blueprint imports another's forms."""

from wtforms import SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes (wards, notices) instead of a multiple select."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
