"""{% easy_read_lines lines pictures %}: pictures beside short sentences."""

from django import template

register = template.Library()


@register.inclusion_tag("components/easy_read_lines.html")
def easy_read_lines(lines, pictures):
    """lines: [(picture, sentence)]. The pictures are decoration (empty alt): each sentence says it all."""
    return {"lines": [(picture, "", sentence) for picture, sentence in lines]}
