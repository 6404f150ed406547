"""Provider presets for deploy targets: endpoint and addressing, documented in the README."""

PRESETS = {
    "aws": {"addressing_style": "virtual"},
    "r2": {"endpoint_url": "https://{account}.r2.cloudflarestorage.com", "region": "auto", "addressing_style": "path"},
    "b2": {"endpoint_url": "https://s3.{region}.backblazeb2.com", "addressing_style": "path"},
    "minio": {"addressing_style": "path", "region": "us-east-1"},
    "spaces": {"endpoint_url": "https://{region}.digitaloceanspaces.com", "addressing_style": "virtual"},
}
