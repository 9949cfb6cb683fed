"""Answers kept for the last few pictures. Inspect, clean and the verify of the clean's output ask the same
costly question of one picture (each answer is a decode), so it is answered once, keyed by a digest of the
picture's bytes. The oldest answer goes first."""

from typing import Generic, TypeVar

Answer = TypeVar("Answer")


class RecentAnswers(Generic[Answer]):
    def __init__(self, size: int = 32):
        self._answers: dict[bytes, Answer] = {}
        self._size = size

    def __contains__(self, key: bytes) -> bool:
        return key in self._answers

    def __getitem__(self, key: bytes) -> Answer:
        return self._answers[key]

    def remember(self, key: bytes, answer: Answer) -> Answer:
        self._answers[key] = answer
        while len(self._answers) > self._size:
            self._answers.pop(next(iter(self._answers)))
        return answer
