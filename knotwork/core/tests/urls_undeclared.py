from django.http import HttpResponse
from django.urls import path


def forgot_to_declare(request):
    return HttpResponse("secret")


urlpatterns = [path("undeclared/", forgot_to_declare)]
