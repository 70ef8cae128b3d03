from django.contrib.auth import authenticate
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from organisation import serializers as s
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
    """Exchange a username and password for the API token: `Authorization: Token <token>`."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        request=TokenRequest,
        responses=inline_serializer("Token", {"token": serializers.CharField()}),
    )
    def post(self, request):
        data = TokenRequest(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(request, **data.validated_data)
        if user is None or not user.is_active:
            return Response(
                {"non_field_errors": [_("用户名或密码不正确。")]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


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
