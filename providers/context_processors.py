from django.conf import settings


def service(request):
    """Values every page template needs."""
    return {"service_name": settings.SERVICE_NAME}
