#!/usr/bin/python3
"""Runs SAM's own translator (aws-sam-translator, vendored in SAM_TOOLS/src) on a template and prints
the CloudFormation it produces as JSON: the reference the twin's expansion is compared with.

Usage: PYTHONPATH=$SAM_TOOLS/src /usr/bin/python3 -P translate.py TEMPLATE [Name=Value ...]

As `sam validate` and cfn-lint do: short-form tags parsed by SAM CLI's own loader, local CodeUri and
ContentUri replaced by an S3 location (the translator refuses local paths), the managed-policy map
from cfn-lint's bundled copy (SAM CLI asks IAM for it). Exit 1 with the translator's messages when
it refuses the template.
"""
import json
import os
import sys

from samcli.yamlhelper import yaml_parse
from samtranslator.model.exceptions import InvalidDocumentException
from samtranslator.translator.transform import transform
import cfnlint


class PolicyLoader:
    def load(self):
        path = os.path.join(os.path.dirname(cfnlint.__file__), "data", "Serverless", "ManagedPolicies.json")
        with open(path, encoding="utf-8") as f:
            return json.load(f)


def s3_uris(template):
    for resource in (template.get("Resources") or {}).values():
        props = resource.get("Properties") if isinstance(resource, dict) else None
        if resource.get("Type") == "AWS::Serverless::Function":
            if isinstance(props, dict) and "InlineCode" not in props:
                props["CodeUri"] = "s3://bucket/value"
        elif resource.get("Type") == "AWS::Serverless::LayerVersion" and isinstance(props, dict):
            props["ContentUri"] = "s3://bucket/value"
    glb = (template.get("Globals") or {}).get("Function")
    if isinstance(glb, dict) and "CodeUri" in glb:
        glb["CodeUri"] = "s3://bucket/value"


def main():
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    with open(sys.argv[1], encoding="utf-8") as f:
        template = yaml_parse(f.read())
    s3_uris(template)
    parameters = dict(arg.split("=", 1) for arg in sys.argv[2:])
    try:
        out = transform(template, parameters, PolicyLoader())
    except InvalidDocumentException as error:
        for cause in error.causes:
            print(cause.message, file=sys.stderr)
        return 1
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
