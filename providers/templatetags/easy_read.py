"""{% easy_read_lines lines pictures %}: pictures beside short sentences."""

from django import template

register = template.Library()


@register.inclusion_tag("components/easy_read_lines.html")
def easy_read_lines(lines, pictures):
    """lines: [(picture, sentence)]; pictures: {picture: text alternative}."""
    return {"lines": [(picture, pictures[picture], sentence) for picture, sentence in lines]}
