"""The dashboard Mini App: a static page (webapp/static) and its JSON API (webapp/api.py), served by the
bot's own aiohttp server (webapp/server.py) and authenticated by Telegram's signed initData."""
