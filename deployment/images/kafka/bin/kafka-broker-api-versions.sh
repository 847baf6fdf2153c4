#!/bin/bash
exec kafka-run-class org.apache.kafka.tools.BrokerApiVersionsCommand "$@"
