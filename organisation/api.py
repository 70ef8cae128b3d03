from django.contrib.auth import authenticate
from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.log import record
from audit.models import Event
from organisation import serializers as s
from organisation import tokens
from organisation.calendar import year_calendar
from organisation.lockout import lockout_response
from organisation.models import (
    Department,
    IndustryChain,
    IndustryUnion,
    IssueCategory,
    Measure,
    OfficerTerm,
)


class TokenRequest(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class ObtainToken(APIView):
    """Exchange a username and password for the API token: `Authorization: Token <token>`.

    The token expires after LIAISON_TOKEN_DAYS; `DELETE` revokes the caller's token.
    Failures count towards the sign-in lockout exactly as on the web form (429 when locked).
    """

    permission_classes = [AllowAny]

    def get_authenticators(self):
        # POST signs in with a password; DELETE names the token to revoke.
        if self.request is not None and self.request.method == "DELETE":
            return super().get_authenticators()
        return []

    def get_permissions(self):
        if self.request is not None and self.request.method == "DELETE":
            return [IsAuthenticated()]
        return super().get_permissions()

    @extend_schema(
        request=TokenRequest,
        responses=inline_serializer("Token", {"token": serializers.CharField()}),
    )
    def post(self, request):
        data = TokenRequest(data=request.data)
        data.is_valid(raise_exception=True)
        # django-axes reads and flags the Django request (DRF's wrapper would hide the flag).
        django_request = request._request  # noqa: SLF001 - DRF keeps the HttpRequest there
        user = authenticate(django_request, **data.validated_data)
        if getattr(django_request, "axes_locked_out", False):
            return lockout_response(django_request, credentials=data.validated_data)
        if user is None or not user.is_active:
            return Response(
                {"non_field_errors": [_("用户名或密码不正确。")]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        token = tokens.issue(user)
        record(Event.TOKEN_ISSUED, django_request, user=user, obj=user)
        return Response({"token": token.key})

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        if not isinstance(request.auth, Token):
            return Response(
                {"detail": _("只能吊销以令牌认证的请求所用的令牌。")},
                status=status.HTTP_400_BAD_REQUEST,
            )
        tokens.revoke(request.auth, "本人吊销")
        return Response(status=status.HTTP_204_NO_CONTENT)


class Me(generics.RetrieveAPIView):
    serializer_class = s.MeSerializer

    def get_object(self):
        return self.request.user


class UnionList(generics.ListAPIView):
    serializer_class = s.UnionSerializer
    queryset = IndustryUnion.objects.all()
    pagination_class = None


class ChainList(generics.ListAPIView):
    serializer_class = s.ChainSerializer
    pagination_class = None
    queryset = IndustryChain.objects.select_related("union").prefetch_related(
        Prefetch(
            "officer_terms",
            queryset=OfficerTerm.objects.filter(ended_on__isnull=True).select_related("officer"),
            to_attr="active_terms",
        )
    )


class DepartmentList(generics.ListAPIView):
    serializer_class = s.DepartmentSerializer
    queryset = Department.objects.all()
    pagination_class = None


class CategoryList(generics.ListAPIView):
    serializer_class = s.CategorySerializer
    queryset = IssueCategory.objects.all()
    pagination_class = None


class MeasureList(generics.ListAPIView):
    serializer_class = s.MeasureSerializer
    queryset = Measure.objects.all()
    pagination_class = None


class CalendarYear(APIView):
    """The working-day calendar of one year: the non-working dates of the State Council's
    notice (weekend days inside a holiday span included) and the 调休 working dates.

    404 for a year the calendar holds nothing for: "no holidays" would be a wrong answer
    there (the notice is not entered yet), and a client can tell the two apart.
    """

    @extend_schema(responses=s.CalendarYearSerializer)
    def get(self, request, year: int):
        days = year_calendar(year)
        if days is None:
            raise Http404(_("该年度的工作日历尚未录入。"))
        return Response(s.CalendarYearSerializer({"year": year, **days}).data)
