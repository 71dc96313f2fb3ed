"""Infrastructure definitions: the CloudFormation merge template and the workflow ASL."""
