"""Force every library we use into offline mode before any of them is imported.

Prachum must work behind a firewall: nothing may reach a model hub or a telemetry
endpoint at run time. Users who do have internet and want a hub model can still
override these variables in their environment (we only set what is unset).
"""
import os

OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "ANONYMIZED_TELEMETRY": "False",
    "PYTHAINLP_OFFLINE": "1",
    "TOKENIZERS_PARALLELISM": "false",
}

for _key, _value in OFFLINE_ENV.items():
    os.environ.setdefault(_key, _value)
