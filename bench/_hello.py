"""The baseline for bench/api.py: a bare ASGI app answering a small JSON body."""

from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route


async def hello(request):
    return JSONResponse({"status": "success", "data": {"hello": "world"}})


app = Starlette(routes=[Route("/hello", hello)])
