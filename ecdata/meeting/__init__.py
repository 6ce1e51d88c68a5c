"""The weekly meeting: its agenda (which screens, in which order, how people are named on a
shared screen) and the action items agreed in it. Reads metrics and the store; never files.
"""
