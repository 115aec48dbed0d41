// Command switchboard validates, formats, tests, runs and serves Switchboard routing flows.
package main
